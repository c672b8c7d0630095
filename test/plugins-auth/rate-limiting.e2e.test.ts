/**
 * rate-limiting end to end, configured as Kong's "Rate Limiting" walkthrough does, for every
 * policy: local and cluster on the embedded datastore, cluster on PostgreSQL, redis with an
 * outage in the middle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, eventually, must, type TestNode } from './node-harness.js';
import { startEchoServer as startEchoUpstream } from '../harness/upstream.js';
import { startRedis, type RedisServer } from '../harness/redis.js';
import { prepareNodeDatastore, type TestNodeDatastore } from '../harness/datastores.js';
import { closeRedisClients } from '../../src/plugins/rate-limiting/policies/redis.js';

let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;

beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await closeRedisClients();
  await upstream?.close();
});

async function get(n: TestNode, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(n.proxyUrl + path, { headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

async function serviceWithRoute(n: TestNode, name: string, path: string): Promise<void> {
  await must(n.admin('POST', '/services', [['name', name], ['url', upstream.url]]));
  await must(n.admin('POST', `/services/${name}/routes`, [['name', `${name}_route`], ['paths[]', path]]));
}

/** Fires `total` requests at once and counts the 200s and 429s. */
async function burst(n: TestNode, path: string, total: number, headers: Record<string, string> = {}) {
  const results = await Promise.all(Array.from({ length: total }, () => get(n, path, headers)));
  return { ok: results.filter((r) => r.status === 200).length, limited: results.filter((r) => r.status === 429).length, other: results.filter((r) => r.status !== 200 && r.status !== 429) };
}

/** Waits until the plugin is in force (the first limited answer), then reports the plugin's counts per window via headers. */
async function configured(n: TestNode, path: string, headers: Record<string, string> = {}) {
  return eventually(() => get(n, path, headers), (r) => r.headers.get('ratelimit-limit') !== null);
}

describe('local and cluster policies on the embedded datastore', () => {
  let n: TestNode;
  beforeAll(async () => {
    n = await startTestNode();
    await serviceWithRoute(n, 'example_service', '/mock');
    await must(n.admin('POST', '/services/example_service/plugins', [['name', 'rate-limiting'], ['config.minute', '5'], ['config.policy', 'local']]));
  }, 60_000);
  afterAll(async () => n?.stop());

  it('lets 5 requests a minute through, then answers 429 with Kong headers', async () => {
    const first = await configured(n, '/mock');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('5');
    expect(first.headers.get('x-ratelimit-limit-minute')).toBe('5');
    const remaining = Number(first.headers.get('x-ratelimit-remaining-minute'));
    for (let i = remaining; i > 0; i--) expect((await get(n, '/mock')).status).toBe(200);
    const limited = await get(n, '/mock');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ message: 'API rate limit exceeded' });
    expect(limited.headers.get('x-ratelimit-remaining-minute')).toBe('0');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  });

  it('local: exactly 20 of 100 concurrent requests pass', async () => {
    await serviceWithRoute(n, 'local_burst', '/local-burst');
    await must(n.admin('POST', '/services/local_burst/plugins', [['name', 'rate-limiting'], ['config.hour', '20'], ['config.limit_by', 'header'], ['config.header_name', 'x-client']]));
    await configured(n, '/local-burst', { 'x-client': 'probe' });
    const { ok, limited, other } = await burst(n, '/local-burst', 100, { 'x-client': 'burst' });
    expect(other).toEqual([]);
    expect(ok).toBe(20);
    expect(limited).toBe(80);
  });

  it('cluster on the embedded datastore: exactly 20 of 100 concurrent requests pass', async () => {
    await serviceWithRoute(n, 'cluster_burst', '/cluster-burst');
    await must(n.admin('POST', '/services/cluster_burst/plugins', [['name', 'rate-limiting'], ['config.hour', '20'], ['config.policy', 'cluster'], ['config.limit_by', 'header'], ['config.header_name', 'x-client']]));
    await configured(n, '/cluster-burst', { 'x-client': 'probe' });
    const { ok, limited, other } = await burst(n, '/cluster-burst', 100, { 'x-client': 'burst' });
    expect(other).toEqual([]);
    expect(ok).toBe(20);
    expect(limited).toBe(80);
  });

  it('custom error_code / error_message and hide_client_headers', async () => {
    await serviceWithRoute(n, 'custom', '/custom');
    await must(n.admin('POST', '/services/custom/plugins', [['name', 'rate-limiting'], ['config.hour', '1'], ['config.error_code', '503'], ['config.error_message', 'slow down'], ['config.hide_client_headers', 'true'], ['config.limit_by', 'ip']]));
    const refused = await eventually(() => get(n, '/custom'), (r) => r.status === 503);
    expect(refused.body).toMatchObject({ message: 'slow down' });
    expect(refused.headers.get('ratelimit-limit')).toBeNull();
    expect(refused.headers.get('retry-after')).toBeNull();
  });

  it('consumer-scoped plugins count only that consumer', async () => {
    await serviceWithRoute(n, 'per_consumer', '/per-consumer');
    await must(n.admin('POST', '/services/per_consumer/plugins', [['name', 'key-auth']]));
    await must(n.admin('POST', '/consumers', [['username', 'limited']]));
    await must(n.admin('POST', '/consumers', [['username', 'free']]));
    await must(n.admin('POST', '/consumers/limited/key-auth', [['key', 'limited-key']]));
    await must(n.admin('POST', '/consumers/free/key-auth', [['key', 'free-key']]));
    await must(n.admin('POST', '/consumers/limited/plugins', [['name', 'rate-limiting'], ['config.hour', '2']]));
    const refused = await eventually(() => get(n, '/per-consumer', { apikey: 'limited-key' }), (r) => r.status === 429);
    expect(refused.status).toBe(429);
    const free = await get(n, '/per-consumer', { apikey: 'free-key' });
    expect(free.status).toBe(200);
    expect(free.headers.get('ratelimit-limit')).toBeNull();
  });

  it('a global plugin applies to every route', async () => {
    await serviceWithRoute(n, 'global_target', '/global');
    await must(n.admin('POST', '/plugins', [['name', 'rate-limiting'], ['config.day', '1000'], ['config.limit_by', 'ip']]));
    const res = await eventually(() => get(n, '/global'), (r) => r.headers.get('x-ratelimit-limit-day') === '1000');
    expect(res.status).toBe(200);
  });
});

describe('cluster policy on PostgreSQL', () => {
  let pg: TestNodeDatastore;
  let n: TestNode;
  beforeAll(async () => {
    pg = await prepareNodeDatastore('postgres');
    n = await startTestNode({}, pg.env);
    await serviceWithRoute(n, 'pg_burst', '/pg-burst');
    await must(n.admin('POST', '/services/pg_burst/plugins', [['name', 'rate-limiting'], ['config.hour', '20'], ['config.policy', 'cluster'], ['config.limit_by', 'header'], ['config.header_name', 'x-client']]));
  }, 120_000);
  afterAll(async () => {
    await n?.stop();
    await pg?.destroy();
  });

  it('exactly 20 of 100 concurrent requests pass', async () => {
    await configured(n, '/pg-burst', { 'x-client': 'probe' });
    const { ok, limited, other } = await burst(n, '/pg-burst', 100, { 'x-client': 'burst' });
    expect(other).toEqual([]);
    expect(ok).toBe(20);
    expect(limited).toBe(80);
    expect(n.node.ctx.datastore?.kind).toBe('postgres');
    const stored = await n.node.ctx.datastore!.query<{ value: number }>("SELECT value FROM ratelimiting_metrics WHERE identifier = 'burst' AND period = 'hour'");
    expect(stored.rows).toEqual([{ value: 20 }]);
  });
});

describe('redis policy', () => {
  let redis: RedisServer;
  let n: TestNode;
  beforeAll(async () => {
    redis = await startRedis();
    n = await startTestNode();
    const common: [string, string][] = [['name', 'rate-limiting'], ['config.hour', '20'], ['config.policy', 'redis'], ['config.redis.host', redis.host], ['config.redis.port', String(redis.port)], ['config.redis.timeout', '500'], ['config.limit_by', 'header'], ['config.header_name', 'x-client']];
    await serviceWithRoute(n, 'redis_tolerant', '/redis-tolerant');
    await must(n.admin('POST', '/services/redis_tolerant/plugins', common));
    await serviceWithRoute(n, 'redis_strict', '/redis-strict');
    await must(n.admin('POST', '/services/redis_strict/plugins', [...common, ['config.fault_tolerant', 'false']]));
    // Kong's deprecated flat fields still configure the connection.
    await serviceWithRoute(n, 'redis_legacy', '/redis-legacy');
    await must(n.admin('POST', '/services/redis_legacy/plugins', [['name', 'rate-limiting'], ['config.hour', '3'], ['config.policy', 'redis'], ['config.redis_host', redis.host], ['config.redis_port', String(redis.port)]]));
  }, 60_000);
  afterAll(async () => {
    await n?.stop();
    await redis?.destroy();
  });

  it('exactly 20 of 100 concurrent requests pass', async () => {
    await configured(n, '/redis-tolerant', { 'x-client': 'probe' });
    const { ok, limited, other } = await burst(n, '/redis-tolerant', 100, { 'x-client': 'burst' });
    expect(other).toEqual([]);
    expect(ok).toBe(20);
    expect(limited).toBe(80);
  });

  it('accepts the legacy redis_host / redis_port fields', async () => {
    const res = await eventually(() => get(n, '/redis-legacy'), (r) => r.status === 429, 50);
    expect(res.status).toBe(429);
  });

  it('with Redis down: fault_tolerant lets requests through, otherwise 500; back up, counting resumes', async () => {
    await configured(n, '/redis-strict', { 'x-client': 'probe' });
    await redis.stop();
    const tolerant = await get(n, '/redis-tolerant', { 'x-client': 'outage' });
    expect(tolerant.status).toBe(200);
    expect(tolerant.headers.get('ratelimit-limit')).toBeNull();
    const strict = await get(n, '/redis-strict', { 'x-client': 'outage' });
    expect(strict.status).toBe(500);
    expect(strict.body).toMatchObject({ message: 'An unexpected error occurred' });
    await redis.start();
    const back = await eventually(() => get(n, '/redis-strict', { 'x-client': 'after' }), (r) => r.status === 200);
    expect(back.headers.get('x-ratelimit-remaining-hour')).toBe('19');
  });
});
