/**
 * Per-worker process facts the primary sums or lists for `GET /status` and `/metrics`: the
 * proxy's connection and request counters live in the worker that accepted the connection.
 */
import type { ServerCounters } from '../admin/info.js';
import { getService, type GatewayContext } from '../gateway/context.js';
import { registerWorkerQuery, workerFanout } from './worker-queries.js';

export const WORKER_STATUS_TOPIC = 'node:status';

export interface ProcessStatus {
  pid: number;
  heapUsed: number;
  counters: ServerCounters;
}

const ZERO: ServerCounters = { connectionsActive: 0, connectionsAccepted: 0, connectionsHandled: 0, totalRequests: 0 };

/** This process's own facts. */
export function processStatus(ctx: GatewayContext): ProcessStatus {
  return { pid: process.pid, heapUsed: process.memoryUsage().heapUsed, counters: getService<() => ServerCounters>(ctx, 'counters')?.() ?? { ...ZERO } };
}

registerWorkerQuery(WORKER_STATUS_TOPIC, (_payload, ctx) => processStatus(ctx));

/**
 * The node's processes that serve the proxy: each worker's status when this is a primary
 * (the primary itself accepts no proxy connection), else this process alone.
 */
export async function servingProcesses(ctx: GatewayContext): Promise<ProcessStatus[]> {
  const fanout = workerFanout(ctx);
  if (!fanout) return [processStatus(ctx)];
  return fanout.ask<ProcessStatus>(WORKER_STATUS_TOPIC);
}

/** Counters of the whole node: nginx's stub_status counts for all workers together. */
export function sumCounters(list: readonly ProcessStatus[]): ServerCounters {
  const total = { ...ZERO };
  for (const p of list) {
    total.connectionsActive += p.counters.connectionsActive;
    total.connectionsAccepted += p.counters.connectionsAccepted;
    total.connectionsHandled += p.counters.connectionsHandled;
    total.totalRequests += p.counters.totalRequests;
  }
  return total;
}
