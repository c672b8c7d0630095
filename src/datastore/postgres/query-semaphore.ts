import { ErrorCode, GatewayError } from '../../errors.js';

/**
 * Kong's per-worker `pg_max_concurrent_queries` semaphore: at most `limit` queries at once,
 * a waiter gives up after `timeoutMs` with Kong's `error acquiring query semaphore: timeout`
 * (which Kong's Admin API and proxy answer with HTTP 500). A limit of 0 means unlimited.
 */
export class QuerySemaphore {
  private active = 0;
  private readonly waiters: { grant: () => void }[] = [];

  constructor(
    readonly limit: number,
    readonly timeoutMs: number,
  ) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(): Promise<() => void> {
    if (this.limit <= 0) return () => undefined;
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          this.active++;
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new GatewayError(ErrorCode.DATABASE_ERROR, 'error acquiring query semaphore: timeout', {
          hint: `more than pg_max_concurrent_queries (${this.limit}) queries waited longer than pg_semaphore_timeout (${this.timeoutMs} ms)`,
        }));
      }, this.timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiters.shift()?.grant();
    };
  }
}
