/**
 * Queues live per node and per queue name (Kong shares one queue between http-log instances
 * that send to the same server with the same settings); the node's stop drains them.
 */
import type { Logger } from '../../log.js';
import { BatchQueue, type BatchHandler, type QueueConfig, type QueueStats } from './queue.js';
import { LogSender } from './sender.js';

interface NodeQueues {
  queues: Map<string, BatchQueue>;
  sender: LogSender;
  log?: Logger;
}

const nodes = new Map<string, NodeQueues>();

function node(nodeId: string): NodeQueues {
  let n = nodes.get(nodeId);
  if (!n) {
    n = { queues: new Map(), sender: new LogSender() };
    nodes.set(nodeId, n);
  }
  return n;
}

export function openNodeQueues(nodeId: string, log: Logger): void {
  node(nodeId).log = log;
}

export function senderOf(nodeId: string): LogSender {
  return node(nodeId).sender;
}

export function queueFor(nodeId: string, name: string, conf: QueueConfig, handler: BatchHandler, fallbackLog: { warn(m: string): void; err(m: string): void }): BatchQueue {
  const n = node(nodeId);
  let q = n.queues.get(name);
  if (!q) {
    const log = n.log
      ? { warn: (m: string) => n.log!.warn(`[http-log] ${m}`), err: (m: string) => n.log!.error(`[http-log] ${m}`) }
      : fallbackLog;
    q = new BatchQueue(name, conf, handler, log);
    n.queues.set(name, q);
  }
  return q;
}

/** Per-queue counters of this node (queued, sent, dropped, lost). */
export function queueStats(nodeId: string): Record<string, QueueStats> {
  const out: Record<string, QueueStats> = {};
  for (const [name, q] of nodes.get(nodeId)?.queues ?? []) out[name] = { ...q.stats };
  return out;
}

export async function closeNodeQueues(nodeId: string, deadlineMs = 2000): Promise<void> {
  const n = nodes.get(nodeId);
  if (!n) return;
  nodes.delete(nodeId);
  await Promise.all([...n.queues.values()].map((q) => q.close(deadlineMs)));
  await n.sender.close();
}
