import type { Pdk, PluginHandler, Row } from '../types.js';
import { VERSION } from '../../version.js';
import { errorMessage } from '../../errors.js';
import { EXPIRATION, PERIODS, periodStart, type Period } from './periods.js';
import { effectiveRedis, type RateLimitingConfig, type RedisConfig } from './schema.js';
import { identifierOf } from './identifier.js';
import { rateLimitHeaders } from './client-headers.js';
import { EMPTY_UUID, type CounterPolicy, type CounterSpec } from './policies/policy.js';
import { localPolicy, nodeWideLocalPolicy } from './policies/local.js';
import { clusterPolicy, deleteExpiredMetrics } from './policies/cluster.js';
import { redisPolicy } from './policies/redis.js';

/** What `configure` precomputes once per snapshot for each plugin entity. */
interface Compiled {
  limits: readonly { period: Period; limit: number }[];
  routeId: string;
  serviceId: string;
  redis: RedisConfig;
}
type Conf = RateLimitingConfig & { __compiled?: Compiled };

function compile(conf: RateLimitingConfig, plugin?: Row): Compiled {
  const limits = PERIODS.filter((p) => typeof conf[p] === 'number').map((period) => ({ period, limit: conf[period] as number }));
  return {
    limits,
    routeId: (plugin?.route as { id?: string } | null)?.id ?? EMPTY_UUID,
    serviceId: (plugin?.service as { id?: string } | null)?.id ?? EMPTY_UUID,
    redis: effectiveRedis(conf),
  };
}

let lastMetricsCleanup = 0;

function policyFor(kong: Pdk, conf: Conf, compiled: Compiled): CounterPolicy {
  if (conf.policy === 'redis') return redisPolicy(compiled.redis);
  if (conf.policy === 'cluster') {
    const db = kong.datastore;
    if (!db) throw new Error("the 'cluster' policy needs a database; this node runs with database = off");
    // Kong drops expired counter rows on a timer; once a minute per node is plenty.
    if (Date.now() - lastMetricsCleanup > 60_000) {
      lastMetricsCleanup = Date.now();
      deleteExpiredMetrics(db).catch((err) => kong.log.warn('rate-limiting: could not delete expired metrics: ', errorMessage(err)));
    }
    return clusterPolicy(db);
  }
  return nodeWideLocalPolicy() ?? localPolicy(kong.cache);
}

async function access(kong: Pdk, conf: Conf): Promise<void> {
  const compiled = conf.__compiled ?? compile(conf);
  const now = Date.now();
  const counters: CounterSpec[] = compiled.limits.map(({ period, limit }) => ({ period, limit, windowStart: periodStart(period, now), ttl: EXPIRATION[period] }));
  const scope = { routeId: compiled.routeId, serviceId: compiled.serviceId, identifier: identifierOf(kong, conf) };

  let counts: Map<Period, number>;
  try {
    counts = await policyFor(kong, conf, compiled).increment(scope, counters);
  } catch (err) {
    kong.log.err('failed to get usage: ', errorMessage(err));
    // fault_tolerant: a broken counter store must not take the API down with it.
    if (conf.fault_tolerant) return;
    kong.response.error(500, 'An unexpected error occurred');
  }

  const { headers, exceeded } = rateLimitHeaders(counters, counts, now);
  if (exceeded) kong.response.error(conf.error_code, conf.error_message, conf.hide_client_headers ? undefined : headers);
  // Kept for headerFilter: headers set now would be replaced by the upstream's response.
  if (!conf.hide_client_headers) kong.ctx.plugin.headers = headers;
}

function headerFilter(kong: Pdk): void {
  const headers = kong.ctx.plugin.headers as Record<string, string> | undefined;
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) kong.response.setHeader(name, value);
}

export const rateLimitingHandler: PluginHandler<Conf> = {
  name: 'rate-limiting',
  priority: 910,
  version: VERSION,
  phases: { access, headerFilter },
  configure: (conf, plugin) => ({ ...conf, __compiled: compile(conf, plugin) }),
};
