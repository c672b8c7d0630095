import { Redis } from 'ioredis';
import type { Period } from '../periods.js';
import type { RedisConfig } from '../schema.js';
import { counterKey, type CounterPolicy, type CountScope, type CounterSpec } from './policy.js';

/**
 * All counters of a request are bumped, checked and (when over) taken back inside one Lua
 * script, which Redis runs atomically: exact across every node sharing the Redis.
 * KEYS = counter keys; ARGV = limits then ttls.
 */
const INCREMENT_SCRIPT = `
local n = #KEYS
local values = {}
local over = false
for i = 1, n do
  local v = redis.call('INCR', KEYS[i])
  if v == 1 then redis.call('EXPIRE', KEYS[i], ARGV[n + i]) end
  values[i] = v
  if v > tonumber(ARGV[i]) then over = true end
end
if over then
  for i = 1, n do redis.call('DECR', KEYS[i]) end
end
return values
`;

type ScriptedRedis = Redis & { silverbackRateLimit(numKeys: number, ...args: (string | number)[]): Promise<number[]> };

const clients = new Map<string, { client: ScriptedRedis; ready: Promise<void> }>();

function clientKey(c: RedisConfig): string {
  return JSON.stringify([c.host, c.port, c.database, c.username, c.password, c.ssl, c.ssl_verify, c.server_name, c.timeout]);
}

/**
 * One connection per distinct Redis configuration, shared by all plugin instances. No offline
 * queue: while Redis is unreachable a command fails at once (fault_tolerant then decides)
 * instead of piling up; ioredis keeps reconnecting in the background.
 */
function clientFor(c: RedisConfig): { client: ScriptedRedis; ready: Promise<void> } {
  const key = clientKey(c);
  let entry = clients.get(key);
  if (!entry) {
    const client = new Redis({
      host: c.host ?? '127.0.0.1',
      port: c.port,
      db: c.database,
      username: c.username ?? undefined,
      password: c.password ?? undefined,
      connectTimeout: c.timeout,
      commandTimeout: c.timeout,
      tls: c.ssl ? { servername: c.server_name ?? c.host ?? undefined, rejectUnauthorized: c.ssl_verify } : undefined,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    }) as ScriptedRedis;
    client.defineCommand('silverbackRateLimit', { lua: INCREMENT_SCRIPT });
    // Errors surface on the commands; without a listener ioredis would print every reconnect failure.
    client.on('error', () => undefined);
    const ready = client.connect().catch(() => undefined);
    entry = { client, ready };
    clients.set(key, entry);
  }
  return entry;
}

export function redisPolicy(config: RedisConfig): CounterPolicy {
  return {
    async increment(scope: CountScope, counters: readonly CounterSpec[]) {
      const { client, ready } = clientFor(config);
      await ready;
      const keys = counters.map((c) => counterKey(scope, c));
      const values = await client.silverbackRateLimit(keys.length, ...keys, ...counters.map((c) => c.limit), ...counters.map((c) => c.ttl));
      return new Map<Period, number>(counters.map((c, i) => [c.period, Number(values[i])]));
    },
  };
}

/** Closes every Redis connection (node stop, tests). */
export async function closeRedisClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map(({ client }) => client.quit().catch(() => client.disconnect())));
}
