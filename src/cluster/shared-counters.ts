import { NodeCache } from '../plugins/pdk/cache.js';
import { localPolicy } from '../plugins/rate-limiting/policies/local.js';
import type { CounterPolicy, CountScope, CounterSpec } from '../plugins/rate-limiting/policies/policy.js';
import type { Period } from '../plugins/rate-limiting/periods.js';
import { isMessage, type IpcEndpoint, type PrimaryToWorker, type WorkerToPrimary } from './ipc-messages.js';

/**
 * rate-limiting `local` counters shared by every worker of a node. The primary owns them: each
 * increment message runs the local policy's increment-and-take-back synchronously in the
 * primary's single thread, so N workers see one exact counter, not N.
 */
export class SharedCounterHost {
  private readonly policy: CounterPolicy;

  constructor(readonly cache = new NodeCache()) {
    this.policy = localPolicy(cache);
  }

  /** Serves increment requests arriving on one worker's channel; returns the detach function. */
  attach(endpoint: IpcEndpoint): () => void {
    const onMessage = (m: unknown) => {
      if (!isMessage<WorkerToPrimary>(m) || m.type !== 'sb:rl-incr') return;
      let reply: PrimaryToWorker;
      try {
        const counts = this.policy.increment(m.scope, m.counters) as Map<Period, number>;
        reply = { type: 'sb:rl-result', id: m.id, counts: [...counts] };
      } catch (err) {
        reply = { type: 'sb:rl-result', id: m.id, error: err instanceof Error ? err.message : String(err) };
      }
      endpoint.send(reply);
    };
    endpoint.on('message', onMessage);
    return () => endpoint.off('message', onMessage);
  }
}

/** The worker's side: a CounterPolicy whose counts live in the primary. */
export class SharedCounterClient implements CounterPolicy {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (m: Map<Period, number>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly onMessage = (m: unknown) => {
    if (!isMessage<PrimaryToWorker>(m) || m.type !== 'sb:rl-result') return;
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    clearTimeout(w.timer);
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve(new Map((m.counts ?? []) as [Period, number][]));
  };

  constructor(
    private readonly endpoint: IpcEndpoint,
    private readonly timeoutMs = 2_000,
  ) {
    endpoint.on('message', this.onMessage);
  }

  increment(scope: CountScope, counters: readonly CounterSpec[]): Promise<Map<Period, number>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the primary process did not answer a rate-limiting counter request within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      const msg: WorkerToPrimary = { type: 'sb:rl-incr', id, scope, counters: [...counters] };
      // send() returning false only signals backpressure; the message is still queued.
      this.endpoint.send(msg);
    });
  }

  close(): void {
    this.endpoint.off('message', this.onMessage);
    for (const [, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new Error('worker shutting down'));
    }
    this.waiting.clear();
  }
}
