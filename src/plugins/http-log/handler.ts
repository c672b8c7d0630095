/**
 * http-log (Kong's kong/plugins/http-log/handler.lua, priority 12): queues each request's
 * log record and sends batches to an HTTP server, retrying with backoff.
 */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Pdk, PluginHandler } from '../types.js';
import { queueFor, senderOf } from './node-queues.js';
import type { QueueConfig } from './queue.js';
import type { HttpLogConfig } from './schema.js';

/**
 * Kong names queues from the legacy parameters so instances with the same server share one;
 * its format has six slots, so only the first six values take part (nil shows as "nil").
 */
export function queueName(conf: HttpLogConfig): string {
  const show = (v: unknown) => (v === null || v === undefined ? 'nil' : String(v));
  return [conf.http_endpoint, conf.method, conf.content_type, conf.timeout, conf.keepalive, conf.retry_count].map(show).join(':');
}

/** The deprecated queue_size / flush_timeout still apply when set to non-default values (Kong 3.x). */
export function queueParams(conf: HttpLogConfig): QueueConfig {
  const q = { ...conf.queue };
  if (conf.queue_size !== null && conf.queue_size !== undefined && conf.queue_size !== 1) q.max_batch_size = conf.queue_size;
  if (conf.flush_timeout !== null && conf.flush_timeout !== undefined && conf.flush_timeout !== 2) q.max_coalescing_delay = conf.flush_timeout;
  return q;
}

/** The newest configuration seen per queue: a batch is sent with the headers configured now. */
const latest = new Map<string, HttpLogConfig>();

function log(kong: Pdk, conf: HttpLogConfig): void {
  const queueConf = queueParams(conf);
  const sender = senderOf(kong.nodeId);
  const name = queueName(conf);
  const key = `${kong.nodeId}\u0000${name}`;
  latest.set(key, { ...conf, queue: queueConf });
  const queue = queueFor(kong.nodeId, name, queueConf, async (entries) => sender.send(latest.get(key)!, entries), {
    warn: (m) => kong.log.warn(m),
    err: (m) => kong.log.err(m),
  });
  const result = queue.enqueue(JSON.stringify(kong.log.serialize()));
  if (!result.ok) kong.log.err(`Failed to enqueue log entry to log server: ${result.error}`);
}

export const httpLogHandler: PluginHandler<HttpLogConfig> = {
  name: 'http-log',
  priority: 12,
  version: KONG_COMPAT_VERSION,
  phases: { log },
};
