/**
 * The rate-limiting counter stores against real servers: exactness under concurrency for each
 * policy, and how a Redis outage surfaces (an error per request, never a crash or a hang).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startRedis, type RedisServer } from '../harness/redis.js';
import { startPostgres, type PgServer } from '../harness/postgres.js';
import { redisPolicy, closeRedisClients } from '../../src/plugins/rate-limiting/policies/redis.js';
import { clusterPolicy } from '../../src/plugins/rate-limiting/policies/cluster.js';
import { rateLimitingMigrations } from '../../src/plugins/rate-limiting/migrations.js';
import type { CounterPolicy, CounterSpec } from '../../src/plugins/rate-limiting/policies/policy.js';
import type { RedisConfig } from '../../src/plugins/rate-limiting/schema.js';

const counters = (limit: number): CounterSpec[] => [
  { period: 'minute', limit, windowStart: Date.UTC(2030, 0, 1, 0, 0), ttl: 60 },
  { period: 'hour', limit: limit * 10, windowStart: Date.UTC(2030, 0, 1, 0), ttl: 3600 },
];

async function passesUnderConcurrency(policy: CounterPolicy, identifier: string, limit: number, requests: number): Promise<number> {
  const scope = { routeId: '00000000-0000-0000-0000-000000000000', serviceId: '00000000-0000-0000-0000-000000000000', identifier };
  const specs = counters(limit);
  const results = await Promise.all(Array.from({ length: requests }, () => Promise.resolve(policy.increment(scope, specs))));
  return results.filter((counts) => specs.every((s) => counts.get(s.period)! <= s.limit)).length;
}

describe('redis policy', () => {
  let redis: RedisServer;
  let config: RedisConfig;
  beforeAll(async () => {
    redis = await startRedis();
    config = { host: redis.host, port: redis.port, timeout: 500, database: 0, username: null, password: null, ssl: false, ssl_verify: false, server_name: null };
  });
  afterAll(async () => {
    await closeRedisClients();
    await redis?.destroy();
  });

  it('lets exactly the limit through 100 concurrent increments', async () => {
    expect(await passesUnderConcurrency(redisPolicy(config), 'redis-exact', 20, 100)).toBe(20);
  });

  it('fails each increment while Redis is down and recovers when it is back', async () => {
    const policy = redisPolicy(config);
    await redis.stop();
    await expect(Promise.resolve(policy.increment({ routeId: 'r', serviceId: 's', identifier: 'down' }, counters(5)))).rejects.toThrow();
    await redis.start();
    let counts: Map<string, number> | undefined;
    for (let i = 0; i < 100 && !counts; i++) {
      counts = await Promise.resolve(policy.increment({ routeId: 'r', serviceId: 's', identifier: 'back' }, counters(5))).catch(async () => {
        await new Promise((r) => setTimeout(r, 50));
        return undefined;
      });
    }
    expect(counts?.get('minute')).toBe(1);
  });
});

describe('cluster policy on PostgreSQL', () => {
  let server: PgServer;
  let pool: pg.Pool;
  beforeAll(async () => {
    server = await startPostgres({ databases: [{ name: 'kong', owner: 'kong' }] });
    pool = new pg.Pool({ host: server.host, port: server.port, user: 'kong', password: 'kong', database: 'kong', max: 20 });
    // Idle clients hear the server shut down at teardown; that is expected, not a failure.
    pool.on('error', () => undefined);
    for (const m of rateLimitingMigrations) for (const sql of m.up) await pool.query(sql);
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await server?.destroy();
  });

  it('lets exactly the limit through 100 concurrent increments', async () => {
    expect(await passesUnderConcurrency(clusterPolicy(pool), 'pg-exact', 20, 100)).toBe(20);
    const rows = await pool.query("SELECT period, value FROM ratelimiting_metrics WHERE identifier = 'pg-exact' ORDER BY period");
    // Refused requests were taken back out: the stored counts are the passes.
    expect(rows.rows).toEqual([
      { period: 'hour', value: 20 },
      { period: 'minute', value: 20 },
    ]);
  });
});
