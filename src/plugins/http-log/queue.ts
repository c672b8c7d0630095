/**
 * A bounded batching queue with retries, after Kong's kong/tools/queue.lua: entries wait at
 * most `max_coalescing_delay` seconds for a batch of `max_batch_size` to fill; a failing
 * batch is retried with exponential backoff (initial_retry_delay doubling up to
 * max_retry_delay) until `max_retry_time` has passed, then dropped. While a batch is being
 * retried new entries keep queueing; when `max_entries` (or `max_bytes`) is reached the
 * oldest entries are dropped and counted, so memory stays bounded.
 */

export interface QueueConfig {
  max_batch_size: number;
  /** seconds */
  max_coalescing_delay: number;
  max_entries: number;
  max_bytes?: number | null;
  /** seconds; -1 means a failing batch is not retried */
  max_retry_time: number;
  /** seconds */
  initial_retry_delay: number;
  /** seconds */
  max_retry_delay: number;
  /** 1: one batch at a time; -1: every entry handled on its own, at once, without queueing. */
  concurrency_limit: number;
}

export const DEFAULT_QUEUE_CONFIG: QueueConfig = {
  max_batch_size: 1,
  max_coalescing_delay: 1,
  max_entries: 10000,
  max_bytes: null,
  max_retry_time: 60,
  initial_retry_delay: 0.01,
  max_retry_delay: 60,
  concurrency_limit: 1,
};

/** Resolves when the batch was delivered; rejects (or resolves false) to have it retried. */
export type BatchHandler = (entries: string[]) => Promise<boolean | void>;

export interface QueueLogger {
  warn(msg: string): void;
  err(msg: string): void;
}

export interface QueueStats {
  queued: number;
  /** Entries delivered to the handler successfully. */
  sent: number;
  /** Entries dropped because the queue was full. */
  dropped: number;
  /** Entries given up on after max_retry_time. */
  lost: number;
}

export class BatchQueue {
  private readonly entries: string[] = [];
  private bytes = 0;
  private working = false;
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  private abandoned = false;
  private droppingSince = false;
  readonly stats: QueueStats = { queued: 0, sent: 0, dropped: 0, lost: 0 };

  constructor(
    readonly name: string,
    private readonly conf: QueueConfig,
    private readonly handler: BatchHandler,
    private readonly log: QueueLogger,
  ) {}

  get length(): number {
    return this.entries.length;
  }

  /** False (with a reason) when the entry cannot be queued at all. */
  enqueue(entry: string): { ok: true } | { ok: false; error: string } {
    if (this.closed) return { ok: false, error: `queue ${this.name} is stopped` };
    if (this.conf.concurrency_limit === -1) {
      void this.deliver([entry]);
      return { ok: true };
    }
    const size = Buffer.byteLength(entry);
    if (this.conf.max_bytes && size > this.conf.max_bytes) {
      return { ok: false, error: `string to be queued is longer (${size} bytes) than the queue's max_bytes (${this.conf.max_bytes} bytes)` };
    }
    if (this.entries.length >= this.conf.max_entries) {
      if (!this.droppingSince) this.log.err(`queue ${this.name} full, dropping old entries until processing is successful again`);
      this.dropOldest();
    }
    if (this.conf.max_bytes) {
      let dropped = 0;
      while (this.bytes + size > this.conf.max_bytes && this.entries.length > 0) {
        this.dropOldest();
        dropped++;
      }
      if (dropped) this.log.err(`queue ${this.name}: byte capacity exceeded, ${dropped} queue entries were dropped`);
    }
    this.entries.push(entry);
    this.bytes += size;
    this.stats.queued = this.entries.length;
    this.wake?.();
    if (!this.working) void this.run();
    return { ok: true };
  }

  /**
   * Stops taking entries and keeps delivering what is queued (no coalescing wait) for at most
   * `deadlineMs`; whatever is still unsent then is counted as lost.
   */
  async close(deadlineMs = 2000): Promise<void> {
    this.closed = true;
    this.wake?.();
    const until = Date.now() + deadlineMs;
    while ((this.working || this.entries.length > 0) && Date.now() < until) {
      if (!this.working) void this.run();
      await new Promise((r) => setTimeout(r, 10));
    }
    this.abandoned = true;
    for (const [t, resolve] of this.sleeps) {
      clearTimeout(t);
      resolve();
    }
    this.sleeps.clear();
    if (this.entries.length > 0) {
      this.stats.lost += this.entries.length;
      this.log.err(`queue ${this.name} stopped with ${this.entries.length} entries unsent`);
      this.entries.length = 0;
      this.bytes = 0;
    }
  }

  private dropOldest(): void {
    const e = this.entries.shift();
    if (e === undefined) return;
    this.bytes -= Buffer.byteLength(e);
    this.stats.dropped++;
    this.droppingSince = true;
  }

  /** A wait that close() can cut short; `wakeable` ones also end when an entry arrives. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleeps.delete(t);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleeps.set(t, done);
      if (wakeable) this.wake = done;
    });
  }

  /** Waits until the batch is full or the coalescing delay since its first entry has passed. */
  private async coalesce(): Promise<void> {
    const started = Date.now();
    const limit = this.conf.max_coalescing_delay * 1000;
    while (!this.closed && this.entries.length < this.conf.max_batch_size) {
      const left = limit - (Date.now() - started);
      if (left <= 1) return;
      await this.sleep(left, true);
    }
  }

  private async run(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.entries.length > 0) {
        if (this.conf.max_batch_size > 1) await this.coalesce();
        const batch = this.entries.splice(0, this.conf.max_batch_size);
        for (const e of batch) this.bytes -= Buffer.byteLength(e);
        this.stats.queued = this.entries.length;
        if (this.droppingSince) this.droppingSince = false;
        await this.deliver(batch);
      }
    } finally {
      this.working = false;
    }
  }

  private async deliver(batch: string[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let error: string | undefined;
      try {
        const ok = await this.handler(batch);
        if (ok !== false) {
          this.stats.sent += batch.length;
          return;
        }
        error = 'handler returned false';
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      this.log.warn(`queue ${this.name}: handler could not process entries: ${error}`);
      const elapsed = (Date.now() - started) / 1000;
      if (this.conf.max_retry_time < 0 || elapsed > this.conf.max_retry_time || this.abandoned) {
        this.stats.lost += batch.length;
        this.log.err(`queue ${this.name}: could not send entries due to max_retry_time exceeded. ${batch.length} queue entries were lost`);
        return;
      }
      const delay = Math.min(this.conf.max_retry_delay, 2 ** attempt * this.conf.initial_retry_delay);
      await this.sleep(delay * 1000, false);
    }
  }
}
