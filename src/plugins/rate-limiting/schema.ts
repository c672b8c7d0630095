/** rate-limiting's config (kong/plugins/rate-limiting/schema.lua). */
import type { FieldDef, PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';
import { PERIODS, type Period } from './periods.js';

export interface RedisConfig {
  host: string | null;
  port: number;
  timeout: number;
  username: string | null;
  password: string | null;
  database: number;
  ssl: boolean;
  ssl_verify: boolean;
  server_name: string | null;
}

export type LimitBy = 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';
export type PolicyName = 'local' | 'cluster' | 'redis';

export type RateLimitingConfig = Record<Period, number | null> & {
  limit_by: LimitBy;
  header_name: string | null;
  path: string | null;
  policy: PolicyName;
  fault_tolerant: boolean;
  redis: RedisConfig;
  hide_client_headers: boolean;
  error_code: number;
  error_message: string;
  sync_rate: number;
} & Partial<Record<LegacyRedisField, unknown>>;

const SYNC_RATE_REALTIME = -1;

const redisRecord: FieldDef = {
  type: 'record',
  description: 'Redis configuration',
  fields: {
    host: t.host(),
    port: t.port({ default: 6379 }),
    timeout: t.timeout({ default: 2000 }),
    username: { type: 'string', referenceable: true, description: 'Username for Redis ACL authentication (Redis 6+); unset means no ACL authentication. Use `default` for Redis 5.' },
    password: { type: 'string', encrypted: true, referenceable: true, len_min: 0, description: 'Password for Redis; unset means no AUTH is sent.' },
    database: { type: 'integer', default: 0, description: 'Redis database number.' },
    ssl: { type: 'boolean', required: false, default: false, description: 'Connect to Redis over TLS.' },
    ssl_verify: { type: 'boolean', required: false, default: false, description: "Verify the Redis server's TLS certificate." },
    server_name: t.sni({ required: false }),
  },
};

/**
 * The flat `redis_*` fields Kong still accepts (deprecated, removed in Kong 4.0).
 * Divergence: our schema has no record-level shorthands, so they are real nullable fields
 * that override the matching `redis.*` value when set.
 */
export const LEGACY_REDIS_FIELDS = {
  redis_host: 'host',
  redis_port: 'port',
  redis_password: 'password',
  redis_username: 'username',
  redis_ssl: 'ssl',
  redis_ssl_verify: 'ssl_verify',
  redis_server_name: 'server_name',
  redis_timeout: 'timeout',
  redis_database: 'database',
} as const;
export type LegacyRedisField = keyof typeof LEGACY_REDIS_FIELDS;

const legacyFields: Record<LegacyRedisField, FieldDef> = {
  redis_host: { type: 'string', description: 'Deprecated: use `config.redis.host`.' },
  redis_port: { type: 'integer', description: 'Deprecated: use `config.redis.port`.' },
  redis_password: { type: 'string', len_min: 0, description: 'Deprecated: use `config.redis.password`.' },
  redis_username: { type: 'string', description: 'Deprecated: use `config.redis.username`.' },
  redis_ssl: { type: 'boolean', description: 'Deprecated: use `config.redis.ssl`.' },
  redis_ssl_verify: { type: 'boolean', description: 'Deprecated: use `config.redis.ssl_verify`.' },
  redis_server_name: { type: 'string', description: 'Deprecated: use `config.redis.server_name`.' },
  redis_timeout: { type: 'integer', description: 'Deprecated: use `config.redis.timeout`.' },
  redis_database: { type: 'integer', description: 'Deprecated: use `config.redis.database`.' },
};

const fmt1 = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

/** Kong's validate_periods_order plus its sync_rate rules. */
export function checkPeriodsAndSyncRate(config: Record<string, unknown>): string | undefined {
  for (let i = 0; i < PERIODS.length; i++) {
    const lower = config[PERIODS[i]];
    if (typeof lower !== 'number') continue;
    for (let j = i + 1; j < PERIODS.length; j++) {
      const upper = config[PERIODS[j]];
      if (typeof upper === 'number' && upper < lower) {
        return `The limit for ${PERIODS[j]}(${fmt1(upper)}) cannot be lower than the limit for ${PERIODS[i]}(${fmt1(lower)})`;
      }
    }
  }
  const syncRate = typeof config.sync_rate === 'number' ? config.sync_rate : SYNC_RATE_REALTIME;
  if (config.policy !== 'redis' && syncRate !== SYNC_RATE_REALTIME) return 'sync_rate can only be used with the redis policy';
  if (config.policy === 'redis' && syncRate !== SYNC_RATE_REALTIME && syncRate < 0.02) return 'sync_rate must be greater than 0.02, or -1 to disable';
  return undefined;
}

const periodField = (unit: string): FieldDef => ({ type: 'number', gt: 0, description: `The number of HTTP requests that can be made per ${unit}.` });

export const rateLimitingSchema: PluginSchemaDef = {
  protocols: t.HTTP_PROTOCOLS,
  config: {
    second: periodField('second'),
    minute: periodField('minute'),
    hour: periodField('hour'),
    day: periodField('day'),
    month: periodField('month'),
    year: periodField('year'),
    limit_by: {
      type: 'string',
      default: 'consumer',
      one_of: ['consumer', 'credential', 'ip', 'service', 'header', 'path'],
      description: 'What the counters are kept per; falls back to the client IP when that is unknown.',
    },
    header_name: t.headerName({ description: 'The header whose value is the key when `limit_by` is `header`.' }),
    path: t.path({ description: 'The path counted when `limit_by` is `path`.' }),
    policy: {
      type: 'string',
      default: 'local',
      len_min: 0,
      one_of: ['local', 'cluster', 'redis'],
      description: 'Where counters live: this node (`local`), the database (`cluster`) or Redis (`redis`).',
    },
    fault_tolerant: {
      type: 'boolean',
      required: true,
      default: true,
      description: 'When the counter store fails, proxy the request anyway (true) or answer 500 (false).',
    },
    redis: redisRecord,
    hide_client_headers: { type: 'boolean', required: true, default: false, description: 'Do not send the rate-limit headers to the client.' },
    error_code: { type: 'number', default: 429, gt: 0, description: 'Status sent when the limit is exceeded.' },
    error_message: { type: 'string', default: 'API rate limit exceeded', description: 'Message sent when the limit is exceeded.' },
    sync_rate: { type: 'number', required: true, default: SYNC_RATE_REALTIME, description: 'Seconds between syncs of counters to Redis; -1 counts synchronously.' },
    ...legacyFields,
  },
  configEntityChecks: [
    {
      custom_entity_check: {
        field_sources: [...PERIODS, 'policy', 'sync_rate'],
        run_with_missing_fields: true,
        fn: checkPeriodsAndSyncRate,
      },
    },
  ],
  entityChecks: [
    { at_least_one_of: PERIODS.map((p) => `config.${p}`) },
    {
      custom_entity_check: {
        field_sources: ['config.policy', 'config.redis', 'config.redis_host'],
        run_with_missing_fields: true,
        fn: (e) => {
          const config = e.config as Record<string, any> | undefined;
          if (config?.policy !== 'redis') return undefined;
          if (config.redis?.host || config.redis_host) return undefined;
          return "config.redis.host is required when config.policy is 'redis'";
        },
      },
    },
    { conditional: { if_field: 'config.policy', if_match: { eq: 'redis' }, then_field: 'config.redis.port', then_match: { required: true } } },
    { conditional: { if_field: 'config.policy', if_match: { eq: 'redis' }, then_field: 'config.redis.timeout', then_match: { required: true } } },
    { conditional: { if_field: 'config.limit_by', if_match: { eq: 'header' }, then_field: 'config.header_name', then_match: { required: true } } },
    { conditional: { if_field: 'config.limit_by', if_match: { eq: 'path' }, then_field: 'config.path', then_match: { required: true } } },
  ],
};

/** The effective Redis settings: the nested record, overridden by any legacy flat field that is set. */
export function effectiveRedis(conf: RateLimitingConfig): RedisConfig {
  const redis: Record<string, unknown> = { ...conf.redis };
  for (const [flat, nested] of Object.entries(LEGACY_REDIS_FIELDS)) {
    const value = conf[flat as LegacyRedisField];
    if (value !== undefined && value !== null) redis[nested] = value;
  }
  return redis as unknown as RedisConfig;
}
