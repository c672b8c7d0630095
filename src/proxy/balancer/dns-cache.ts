import { lookup } from 'node:dns/promises';

export type ResolveFn = (host: string) => Promise<string[]>;

/** All A/AAAA answers of the system resolver, as nginx/Kong would balance over every record. */
export const systemResolve: ResolveFn = async (host) => {
  const answers = await lookup(host, { all: true });
  return [...new Set(answers.map((a) => a.address))];
};

export interface DnsAnswer {
  addresses: string[];
  /** Text for the health endpoint's `dns` field when the lookup failed. */
  error?: string;
  expiresAt: number;
}

/**
 * Caches answers per host for `ttlMs`. A stale answer keeps being served while one refresh runs
 * in the background (no timers: refreshes are triggered by use), so a slow resolver never
 * blocks a request once a host has been resolved once.
 */
export class DnsCache {
  private readonly answers = new Map<string, DnsAnswer>();
  private readonly inflight = new Map<string, Promise<DnsAnswer>>();
  private closed = false;

  constructor(
    private readonly resolve: ResolveFn,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(host: string): DnsAnswer | undefined {
    return this.answers.get(host);
  }

  isStale(host: string): boolean {
    const answer = this.answers.get(host);
    return !answer || answer.expiresAt <= this.now();
  }

  /** Looks the host up (once at a time per host); resolves with the new answer, never rejects. */
  refresh(host: string): Promise<DnsAnswer> {
    const running = this.inflight.get(host);
    if (running) return running;
    const job = this.resolve(host)
      .then(
        (addresses): DnsAnswer =>
          addresses.length > 0
            ? { addresses, expiresAt: this.now() + this.ttlMs }
            : { addresses: [], error: 'dns client error: empty record received', expiresAt: this.now() + this.ttlMs },
        (err: unknown): DnsAnswer => ({
          addresses: [],
          error: `dns server error: ${(err as NodeJS.ErrnoException)?.code ?? String(err)}`,
          expiresAt: this.now() + this.ttlMs,
        }),
      )
      .then((fresh) => {
        this.inflight.delete(host);
        // A failed refresh keeps the last good addresses: an outage of the resolver must not
        // take healthy targets out of the balancer.
        const previous = this.answers.get(host);
        const answer = fresh.error && previous && previous.addresses.length > 0 ? { ...previous, expiresAt: fresh.expiresAt } : fresh;
        if (!this.closed) this.answers.set(host, answer);
        return answer;
      });
    this.inflight.set(host, job);
    return job;
  }

  /** Promises of lookups still running (for stop() to await). */
  pending(): Promise<unknown>[] {
    return [...this.inflight.values()];
  }

  close(): void {
    this.closed = true;
  }
}
