import { describe, expect, it } from 'vitest';
import type { PdkCache } from '../../types.js';
import { localPolicy } from './local.js';

function mapCache(): PdkCache & { store: Map<string, number> } {
  const store = new Map<string, number>();
  return {
    store,
    get: (k) => store.get(k) as never,
    set: (k, v) => void store.set(k, v as number),
    incr: (k, d, init = 0) => {
      const v = (store.get(k) ?? init) + d;
      store.set(k, v);
      return v;
    },
    delete: (k) => void store.delete(k),
    getOrLoad: async (_k, _t, loader) => loader(),
  };
}

const scope = { routeId: 'r', serviceId: 's', identifier: '127.0.0.1' };

describe('local policy', () => {
  it('lets exactly `limit` requests through and takes refused ones back out', () => {
    const cache = mapCache();
    const policy = localPolicy(cache);
    const counters = [
      { period: 'second' as const, limit: 3, windowStart: 1000, ttl: 1 },
      { period: 'minute' as const, limit: 10, windowStart: 0, ttl: 60 },
    ];
    const passed = Array.from({ length: 8 }, () => policy.increment(scope, counters) as Map<string, number>).filter((c) => c.get('second')! <= 3);
    expect(passed).toHaveLength(3);
    expect(cache.store.get('ratelimit:r:s:127.0.0.1:1000:second')).toBe(3);
    expect(cache.store.get('ratelimit:r:s:127.0.0.1:0:minute')).toBe(3);
  });
});
