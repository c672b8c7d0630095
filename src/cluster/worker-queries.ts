/**
 * Questions the primary asks every proxy worker of its node: state that lives only in the
 * workers (metric values, proxy-cache entries, connection counters) is read or changed through
 * them, since the Admin API and the status listener run in the primary.
 *
 * Modules register a handler per topic at import time; each worker answers with what its own
 * copy of the state says, and the primary merges the answers (`askWorkers`).
 */
import { errorMessage } from '../errors.js';
import type { GatewayContext } from '../gateway/context.js';
import { isMessage, type IpcEndpoint, type PrimaryToWorker, type WorkerToPrimary } from './ipc-messages.js';

export type WorkerQueryHandler = (payload: unknown, ctx: GatewayContext) => unknown;

const handlers = new Map<string, WorkerQueryHandler>();

/** What a worker does when asked `topic`; the answer must survive structured clone. */
export function registerWorkerQuery(topic: string, handler: WorkerQueryHandler): void {
  handlers.set(topic, handler);
}

/** The worker's side: answers every `sb:ask` on its channel; returns the detach function. */
export function answerWorkerQueries(endpoint: IpcEndpoint, ctx: GatewayContext): () => void {
  const onMessage = (m: unknown) => {
    if (!isMessage<PrimaryToWorker>(m) || m.type !== 'sb:ask') return;
    const handler = handlers.get(m.topic);
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`this worker has no handler for '${m.topic}'`);
        return handler(m.payload, ctx);
      })
      .then(
        (result) => endpoint.send({ type: 'sb:answer', id: m.id, result } satisfies WorkerToPrimary),
        (err: unknown) => endpoint.send({ type: 'sb:answer', id: m.id, error: errorMessage(err) } satisfies WorkerToPrimary),
      );
  };
  endpoint.on('message', onMessage);
  return () => endpoint.off('message', onMessage);
}

/** The primary's handle on its workers, left on the context as `workerFanout`. */
export interface WorkerFanout {
  /** Asks every serving worker; resolves with one answer per worker that answered in time. */
  ask<T>(topic: string, payload?: unknown): Promise<T[]>;
}

export const WORKER_FANOUT_SERVICE = 'workerFanout';

/** The fan-out when this process is a primary with workers; null in a single process or a worker. */
export function workerFanout(ctx: GatewayContext): WorkerFanout | null {
  const f = ctx.services.get(WORKER_FANOUT_SERVICE) as WorkerFanout | undefined;
  return f && typeof f.ask === 'function' ? f : null;
}

interface Waiting {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The primary's side for one worker channel: sends a question and awaits the answer. A worker
 * that does not answer within the timeout (stuck, or dying) is left out rather than failing
 * the whole scrape or purge.
 */
export class WorkerAsker {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly onMessage = (m: unknown) => {
    if (!isMessage<WorkerToPrimary>(m) || m.type !== 'sb:answer') return;
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    clearTimeout(w.timer);
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve(m.result);
  };

  constructor(
    private readonly endpoint: IpcEndpoint,
    private readonly timeoutMs = 5_000,
  ) {
    endpoint.on('message', this.onMessage);
  }

  ask(topic: string, payload: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`a proxy worker did not answer '${topic}' within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.endpoint.send({ type: 'sb:ask', id, topic, payload } satisfies PrimaryToWorker);
    });
  }

  close(): void {
    this.endpoint.off('message', this.onMessage);
    for (const [, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new Error('the proxy worker exited'));
    }
    this.waiting.clear();
  }
}
