import { describe, expect, it } from 'vitest';
import { checkPeriodsAndSyncRate, effectiveRedis, type RateLimitingConfig } from './schema.js';

describe('rate-limiting config checks', () => {
  it('refuses a longer period with a lower limit, in Kong words', () => {
    expect(checkPeriodsAndSyncRate({ minute: 5, hour: 1 })).toBe('The limit for hour(1.0) cannot be lower than the limit for minute(5.0)');
    expect(checkPeriodsAndSyncRate({ second: 1, minute: 5, hour: 5 })).toBeUndefined();
  });

  it('allows sync_rate only with redis, and not below 0.02', () => {
    expect(checkPeriodsAndSyncRate({ minute: 5, policy: 'local', sync_rate: 1 })).toBe('sync_rate can only be used with the redis policy');
    expect(checkPeriodsAndSyncRate({ minute: 5, policy: 'redis', sync_rate: 0.01 })).toBe('sync_rate must be greater than 0.02, or -1 to disable');
    expect(checkPeriodsAndSyncRate({ minute: 5, policy: 'redis', sync_rate: -1 })).toBeUndefined();
  });

  it('lets legacy flat redis_* fields override the nested record', () => {
    const conf = { redis: { host: null, port: 6379, timeout: 2000, database: 0 }, redis_host: '10.0.0.1', redis_database: 2 } as unknown as RateLimitingConfig;
    expect(effectiveRedis(conf)).toMatchObject({ host: '10.0.0.1', port: 6379, database: 2 });
  });
});
