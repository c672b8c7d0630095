/**
 * The `memory` strategy: one LRU area per dictionary name, each bounded in bytes by the node's
 * `mem_cache_size` (Kong's shared dict holds at most its configured size and evicts the least
 * recently used entries when full). Entries also expire after their storage TTL.
 */

/** A cached response, in the shape Kong's Admin API returns from `GET /proxy-cache/{key}`. */
export interface CachedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  body_len: number;
  /** Seconds since the epoch when stored (Kong: ngx.time()). */
  timestamp: number;
  /** The freshness TTL computed when stored (cache_ttl, or from Cache-Control). */
  ttl: number;
  version: number;
  req_body?: string;
  /** Not part of Kong's record: the exact bytes, so binary bodies survive. */
  raw?: Buffer;
  /** Not part of Kong's record: when the entry was stored, in ms, for sub-second freshness. */
  storedAtMs?: number;
}

interface Slot {
  key: string;
  value: CachedResponse;
  bytes: number;
  /** ms since the epoch; 0 = never. */
  expiresAt: number;
}

/** Rough in-memory size: what the entry holds plus a fixed overhead per entry. */
export function entrySize(key: string, value: CachedResponse): number {
  let n = 256 + key.length * 2 + (value.raw?.length ?? Buffer.byteLength(value.body)) + (value.req_body?.length ?? 0);
  for (const [k, v] of Object.entries(value.headers)) n += k.length + (Array.isArray(v) ? v.join('').length : String(v).length) + 16;
  return n;
}

export class LruArea {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly slots = new Map<string, Slot>();
  private used = 0;

  constructor(
    readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  get bytesUsed(): number {
    return this.used;
  }

  get(key: string): CachedResponse | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt !== 0 && slot.expiresAt <= this.now()) {
      this.remove(slot);
      return undefined;
    }
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  /** ttl in seconds; 0 or absent keeps it until evicted. False when the entry alone exceeds the capacity. */
  set(key: string, value: CachedResponse, ttlSeconds?: number): boolean {
    const bytes = entrySize(key, value);
    const old = this.slots.get(key);
    if (old) this.remove(old);
    if (bytes > this.capacity) return false;
    while (this.used + bytes > this.capacity) {
      const oldest = this.slots.values().next().value as Slot;
      this.remove(oldest);
    }
    const expiresAt = ttlSeconds && ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : 0;
    this.slots.set(key, { key, value, bytes, expiresAt });
    this.used += bytes;
    return true;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (!slot) return false;
    this.remove(slot);
    return true;
  }

  flush(): void {
    this.slots.clear();
    this.used = 0;
  }

  private remove(slot: Slot): void {
    this.slots.delete(slot.key);
    this.used -= slot.bytes;
  }
}

/** All memory areas of one node. */
export class MemoryStrategy {
  private readonly areas = new Map<string, LruArea>();

  constructor(
    readonly capacityPerArea: number,
    private readonly now: () => number = Date.now,
  ) {}

  area(dictionaryName: string): LruArea {
    let area = this.areas.get(dictionaryName);
    if (!area) {
      area = new LruArea(this.capacityPerArea, this.now);
      this.areas.set(dictionaryName, area);
    }
    return area;
  }

  flushAll(): void {
    for (const area of this.areas.values()) area.flush();
  }
}

/** `128m`, `512k`, `1g` or plain bytes, as kong.conf writes sizes. */
export function parseSize(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*$/i.exec(text);
  if (!m) return 128 * 1024 * 1024;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}
