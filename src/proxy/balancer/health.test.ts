import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors.js';
import { createBalancer } from './balancer.js';
import { ctx, targetsOf } from './test-fixtures.js';

const breaker = (unhealthy: Record<string, number>, extra: Record<string, unknown> = {}) => ({
  name: 'svc',
  healthchecks: { passive: { unhealthy }, ...extra },
});

describe('passive health checks (circuit breaker)', () => {
  it('opens after N failing statuses and takes the target out', () => {
    const b = createBalancer(breaker({ http_failures: 3 }), targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 100]));
    const bad = { address: '10.0.0.1', port: 80, targetId: b.health()[0].id };
    b.report(bad, { kind: 'http', status: 500 });
    b.report(bad, { kind: 'http', status: 503 });
    expect(b.health()[0].health).toBe('HEALTHY');
    b.report(bad, { kind: 'http', status: 429 });
    expect(b.health()[0].health).toBe('UNHEALTHY');
    for (let i = 0; i < 10; i++) expect(b.pick(ctx())!.address).toBe('10.0.0.2');
  });

  it('ignores statuses outside the unhealthy list and counts tcp failures and timeouts separately', () => {
    const b = createBalancer(breaker({ tcp_failures: 2, timeouts: 2, http_failures: 0 }), targetsOf(['10.0.0.1:80', 100]));
    const p = b.pick(ctx())!;
    for (let i = 0; i < 5; i++) b.report(p, { kind: 'http', status: 500 });
    b.report(p, { kind: 'tcp_failure' });
    b.report(p, { kind: 'timeout' });
    expect(b.health()[0].health).toBe('HEALTHY');
    b.report(p, { kind: 'timeout' });
    expect(b.health()[0].health).toBe('UNHEALTHY');
    expect(b.pick(ctx())).toBeNull();
  });

  it('a success resets failures only when passive successes are counted', () => {
    const forgiving = createBalancer(
      { name: 'svc', healthchecks: { passive: { unhealthy: { http_failures: 2 }, healthy: { successes: 1 } } } },
      targetsOf(['10.0.0.1:80', 100]),
    );
    const strict = createBalancer(breaker({ http_failures: 2 }), targetsOf(['10.0.0.1:80', 100]));
    for (const b of [forgiving, strict]) {
      const p = b.pick(ctx())!;
      b.report(p, { kind: 'http', status: 500 });
      b.report(p, { kind: 'http', status: 200 });
      b.report(p, { kind: 'http', status: 500 });
    }
    expect(forgiving.health()[0].health).toBe('HEALTHY');
    expect(strict.health()[0].health).toBe('UNHEALTHY');
  });

  it('is off by default: reports change nothing and health says HEALTHCHECKS_OFF', () => {
    const b = createBalancer({ name: 'svc' }, targetsOf(['10.0.0.1:80', 100]));
    const p = b.pick(ctx())!;
    for (let i = 0; i < 50; i++) b.report(p, { kind: 'tcp_failure' });
    expect(b.pick(ctx())).not.toBeNull();
    expect(b.health()[0].health).toBe('HEALTHCHECKS_OFF');
    expect(b.upstreamHealth()).toEqual({ id: b.upstream.id, health: 'HEALTHCHECKS_OFF' });
    expect(() => b.setTargetHealth('10.0.0.1:80', false)).toThrowError(/no healthchecker found for svc/);
  });
});

describe('manual health and the health endpoint shape', () => {
  it('setTargetHealth by host:port or id takes a target out and puts it back', () => {
    const events: boolean[] = [];
    const b = createBalancer(breaker({ http_failures: 1 }), targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 100]), {
      onHealthChange: (e) => events.push(e.healthy),
    });
    b.setTargetHealth('10.0.0.1:80', false);
    for (let i = 0; i < 4; i++) expect(b.pick(ctx())!.address).toBe('10.0.0.2');
    b.setTargetHealth(b.health()[0].id, true);
    const seen = new Set(Array.from({ length: 4 }, () => b.pick(ctx())!.address));
    expect(seen).toEqual(new Set(['10.0.0.1', '10.0.0.2']));
    expect(events).toEqual([false, true]);
    expect(() => b.setTargetHealth('10.9.9.9:80', true)).toThrow(GatewayError);
  });

  it('renders Kong-shaped entries', () => {
    const b = createBalancer(breaker({ http_failures: 1 }), targetsOf(['10.0.0.1:80', 100], ['[::1]:81', 50]));
    b.setTargetHealth('[::1]:81', false);
    const [first, second] = b.health();
    expect(first).toMatchObject({
      target: '10.0.0.1:80',
      weight: 100,
      upstream: { id: 'up-1' },
      health: 'HEALTHY',
      data: {
        host: '10.0.0.1',
        port: 80,
        dns: 'A',
        nodeWeight: 100,
        weight: { total: 100, unavailable: 0, available: 100 },
        addresses: [{ ip: '10.0.0.1', port: 80, weight: 100, health: 'HEALTHY' }],
      },
    });
    expect(second.health).toBe('UNHEALTHY');
    expect(second.data.dns).toBe('AAAA');
    expect(second.data.weight).toEqual({ total: 50, unavailable: 50, available: 0 });
    expect(b.upstreamHealth()).toMatchObject({
      health: 'HEALTHY',
      details: { healthy: true, weight: { total: 150, unavailable: 50, available: 100 } },
    });
  });
});

describe('threshold', () => {
  it('takes the whole upstream down when healthy weight falls to the threshold', () => {
    const b = createBalancer(
      breaker({ http_failures: 1 }, { threshold: 50 }),
      targetsOf(['10.0.0.1:80', 100], ['10.0.0.2:80', 100], ['10.0.0.3:80', 100], ['10.0.0.4:80', 100]),
    );
    b.setTargetHealth('10.0.0.1:80', false);
    expect(b.pick(ctx())).not.toBeNull();
    b.setTargetHealth('10.0.0.2:80', false);
    expect(b.pick(ctx())).toBeNull();
    expect(b.upstreamHealth().health).toBe('UNHEALTHY');
    b.setTargetHealth('10.0.0.2:80', true);
    expect(b.pick(ctx())).not.toBeNull();
  });
});

describe('DNS targets', () => {
  it('balances over every resolved address, each with the target weight', async () => {
    const b = createBalancer({ name: 'svc' }, targetsOf(['api.internal:8080', 10], ['10.0.0.9:80', 20]), {
      resolve: async (host) => (host === 'api.internal' ? ['10.1.0.1', '10.1.0.2'] : []),
    });
    await b.ready();
    const counts = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const p = b.pick(ctx())!;
      counts.set(p.address, (counts.get(p.address) ?? 0) + 1);
      if (p.address !== '10.0.0.9') {
        expect(p.port).toBe(8080);
        expect(p.hostHeader).toBe('api.internal');
      }
    }
    expect(Object.fromEntries(counts)).toEqual({ '10.1.0.1': 10, '10.1.0.2': 10, '10.0.0.9': 20 });
    expect(b.health()[0].data.addresses.map((a) => a.ip)).toEqual(['10.1.0.1', '10.1.0.2']);
    await b.stop();
  });

  it('reports DNS_ERROR for a name that does not resolve and re-resolves after the TTL', async () => {
    let now = 0;
    let answer: string[] | Error = new Error('ENOTFOUND');
    let lookups = 0;
    const b = createBalancer({ name: 'svc' }, targetsOf(['missing.internal:80', 100]), {
      now: () => now,
      dnsTtl: 30,
      resolve: async () => {
        lookups++;
        if (answer instanceof Error) throw Object.assign(answer, { code: 'ENOTFOUND' });
        return answer;
      },
    });
    await b.ready();
    expect(b.health()[0].health).toBe('DNS_ERROR');
    expect(b.pick(ctx())).toBeNull();
    answer = ['10.2.0.1'];
    b.pick(ctx());
    expect(lookups).toBe(1);
    now += 31_000;
    b.pick(ctx());
    await b.stop();
    expect(lookups).toBe(2);
    const again = createBalancer({ name: 'svc' }, targetsOf(['missing.internal:80', 100]), { resolve: async () => ['10.2.0.1'] });
    await again.ready();
    expect(again.pick(ctx())!.address).toBe('10.2.0.1');
    await again.stop();
  });

  it('uses the upstream host_header when set', () => {
    const b = createBalancer({ name: 'svc', host_header: 'example.test' }, targetsOf(['10.0.0.1:80', 100]));
    expect(b.pick(ctx())!.hostHeader).toBe('example.test');
  });
});
