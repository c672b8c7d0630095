import type { PdkCache } from '../types.js';

interface Entry {
  value: unknown;
  /** ms since epoch; 0 = never. */
  expires: number;
}

/**
 * The per-node cache plugins share (Kong's shared dicts / kong.cache). Expired entries are
 * dropped when read and swept when the map grows, so it cannot grow without bound on stale keys.
 */
export class NodeCache implements PdkCache {
  private readonly map = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires !== 0 && e.expires <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  get<T = unknown>(key: string): T | undefined {
    return this.live(key)?.value as T | undefined;
  }

  set(key: string, value: unknown, ttl = 0): void {
    if (this.map.size >= this.maxEntries && !this.map.has(key)) this.evict();
    this.map.set(key, { value, expires: ttl > 0 ? this.now() + ttl * 1000 : 0 });
  }

  incr(key: string, delta: number, init = 0, ttl = 0): number {
    const e = this.live(key);
    if (e && typeof e.value === 'number') {
      e.value += delta;
      return e.value;
    }
    const value = init + delta;
    this.set(key, value, ttl);
    return value;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  async getOrLoad<T>(key: string, ttl: number, loader: () => T | Promise<T>): Promise<T> {
    const hit = this.live(key);
    if (hit) return hit.value as T;
    // One load per key at a time (Kong's mlcache does the same with a lock).
    let inflight = this.loading.get(key) as Promise<T> | undefined;
    if (!inflight) {
      inflight = Promise.resolve()
        .then(loader)
        .then((value) => {
          this.set(key, value, ttl);
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, inflight);
    }
    return inflight;
  }

  private evict(): void {
    const now = this.now();
    for (const [k, e] of this.map) if (e.expires !== 0 && e.expires <= now) this.map.delete(k);
    // Still full: drop the oldest tenth (insertion order).
    if (this.map.size >= this.maxEntries) {
      let n = Math.ceil(this.maxEntries / 10);
      for (const k of this.map.keys()) {
        if (n-- <= 0) break;
        this.map.delete(k);
      }
    }
  }

  get size(): number {
    return this.map.size;
  }
}
