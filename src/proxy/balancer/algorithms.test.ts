import { describe, expect, it } from 'vitest';
import { createBalancer } from './balancer.js';
import { peerKey } from './target-address.js';
import { ctx, targetsOf } from './test-fixtures.js';
import type { Balancer, PickResult } from './types.js';

function countPicks(balancer: Balancer, n: number, release = true): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const pick = balancer.pick(ctx());
    expect(pick).not.toBeNull();
    const key = peerKey(pick!);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (release) balancer.release(pick!);
  }
  return counts;
}

describe('round-robin', () => {
  it('gives exact weighted proportions over every full cycle', () => {
    const b = createBalancer({ name: 'rr' }, targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 200], ['10.0.0.3:80', 300]));
    const counts = countPicks(b, 600 * 5);
    expect(Object.fromEntries(counts)).toEqual({ '10.0.0.1:80': 500, '10.0.0.2:80': 1000, '10.0.0.3:80': 1500 });
  });

  it('interleaves heavy targets instead of picking them in bursts', () => {
    const b = createBalancer({ name: 'rr' }, targetsOf(['10.0.0.1:80', 1], ['10.0.0.2:80', 1], ['10.0.0.3:80', 2]));
    const seq = Array.from({ length: 8 }, () => b.pick(ctx())!.address);
    for (let i = 1; i < seq.length; i++) expect(seq[i] === seq[i - 1] && seq[i] !== '10.0.0.3').toBe(false);
    expect(seq.filter((a) => a === '10.0.0.3')).toHaveLength(4);
  });

  it('never picks a weight-0 target, and has no peer when all weights are 0', () => {
    const b = createBalancer({ name: 'rr' }, targetsOf(['10.0.0.1:80', 0], ['10.0.0.2:80', 10]));
    expect([...countPicks(b, 50).keys()]).toEqual(['10.0.0.2:80']);
    const none = createBalancer({ name: 'rr' }, targetsOf(['10.0.0.1:80', 0]));
    expect(none.pick(ctx())).toBeNull();
    expect(createBalancer({ name: 'empty' }, []).pick(ctx())).toBeNull();
  });

  it('skips peers already tried for this request, and falls back when all were tried', () => {
    const b = createBalancer({ name: 'rr' }, targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 100]));
    const tried = new Set(['10.0.0.1:80']);
    for (let i = 0; i < 5; i++) expect(b.pick(ctx({ tried }))!.address).toBe('10.0.0.2');
    tried.add('10.0.0.2:80');
    expect(b.pick(ctx({ tried }))).not.toBeNull();
  });
});

describe('consistent-hashing', () => {
  const many = (n: number): [string, number][] => Array.from({ length: n }, (_, i) => [`10.0.1.${i + 1}:80`, 100]);

  it('maps the same key to the same peer and spreads keys over all peers', () => {
    const b = createBalancer({ name: 'ch', hash_on: 'header', hash_on_header: 'x-user' }, targetsOf(...many(4)));
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const headers = { 'x-user': `user-${i}` };
      const first = b.pick(ctx({ headers }))!;
      expect(peerKey(b.pick(ctx({ headers }))!)).toBe(peerKey(first));
      seen.set(first.address, (seen.get(first.address) ?? 0) + 1);
    }
    expect(seen.size).toBe(4);
    for (const count of seen.values()) expect(count).toBeGreaterThan(2000 / 4 / 3);
  });

  it('moves only the keys of a removed target', () => {
    const all = targetsOf(...many(5));
    const before = createBalancer({ name: 'ch', hash_on: 'ip' }, all);
    const after = createBalancer({ name: 'ch', hash_on: 'ip' }, all.filter((t) => t.target !== '10.0.1.3:80'));
    let moved = 0;
    for (let i = 0; i < 3000; i++) {
      const c = ctx({ clientIp: `198.51.${i >> 8}.${i & 255}` });
      const a = before.pick(c)!.address;
      const b = after.pick(c)!.address;
      if (a === '10.0.1.3') {
        moved++;
        expect(b).not.toBe('10.0.1.3');
      } else {
        expect(b).toBe(a);
      }
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('gives a heavier target proportionally more keys', () => {
    const b = createBalancer({ name: 'ch', hash_on: 'path' }, targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 300]));
    let heavy = 0;
    for (let i = 0; i < 4000; i++) if (b.pick(ctx({ path: `/p/${i}` }))!.address === '10.0.0.2') heavy++;
    expect(heavy / 4000).toBeGreaterThan(0.6);
    expect(heavy / 4000).toBeLessThan(0.9);
  });

  it('walks on to the next peer when the hashed one is unhealthy', () => {
    const targets = targetsOf(...many(3));
    const b = createBalancer(
      { name: 'ch', hash_on: 'ip', healthchecks: { passive: { unhealthy: { tcp_failures: 1 } } } },
      targets,
    );
    const c = ctx({ clientIp: '203.0.113.9' });
    const first = b.pick(c)!;
    b.report(first, { kind: 'tcp_failure' });
    const second = b.pick(c)!;
    expect(second.address).not.toBe(first.address);
    expect(b.pick(c)!.address).toBe(second.address);
  });
});

describe('least-connections', () => {
  it('spreads open connections in proportion to weight', () => {
    const b = createBalancer(
      { name: 'lc', algorithm: 'least-connections' },
      targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 300]),
    );
    const counts = countPicks(b, 400, false);
    expect(counts.get('10.0.0.1:80')).toBe(100);
    expect(counts.get('10.0.0.2:80')).toBe(300);
  });

  it('prefers the peer whose connections were released', () => {
    const b = createBalancer({ name: 'lc', algorithm: 'least-connections' }, targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 100]));
    const held: PickResult[] = [b.pick(ctx())!, b.pick(ctx())!, b.pick(ctx())!, b.pick(ctx())!];
    const toRelease = held.filter((p) => p.address === '10.0.0.1');
    expect(toRelease).toHaveLength(2);
    for (const p of toRelease) b.release(p);
    expect(b.pick(ctx())!.address).toBe('10.0.0.1');
    expect(b.pick(ctx())!.address).toBe('10.0.0.1');
    expect(b.pick(ctx())).not.toBeNull();
  });
});

describe('latency', () => {
  it('sends traffic to the peer with the lowest observed latency', () => {
    let now = 1_000_000;
    const b = createBalancer(
      { name: 'lat', algorithm: 'latency' },
      targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 100], ['10.0.0.3:80', 100]),
      { now: () => now },
    );
    const firstRound = new Set(Array.from({ length: 3 }, () => b.pick(ctx())!.address));
    expect(firstRound.size).toBe(3);
    const latencies: Record<string, number> = { '10.0.0.1': 300, '10.0.0.2': 20, '10.0.0.3': 150 };
    for (let i = 0; i < 3; i++) {
      const p = b.pick(ctx())!;
      b.observeLatency(p, latencies[p.address]);
      b.release(p);
      now += 10;
    }
    for (let i = 0; i < 10; i++) expect(b.pick(ctx())!.address).toBe('10.0.0.2');
  });

  it('moves away from a peer whose latency degrades', () => {
    let now = 0;
    const b = createBalancer({ name: 'lat', algorithm: 'latency' }, targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 100]), {
      now: () => now,
    });
    const a = b.pick(ctx())!;
    const c = b.pick(ctx())!;
    b.observeLatency(a, 10);
    b.observeLatency(c, 50);
    expect(b.pick(ctx())!.address).toBe(a.address);
    for (let i = 0; i < 20; i++) {
      now += 1000;
      b.observeLatency(a, 500);
    }
    expect(b.pick(ctx())!.address).toBe(c.address);
  });
});
