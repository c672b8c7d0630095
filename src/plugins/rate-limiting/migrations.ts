import type { Migration } from '../../datastore/migrations/types.js';

/** Kong's table (000_base + the ttl column of 004), so a Kong database fits. */
export const rateLimitingMigrations: readonly Migration[] = [
  {
    name: '000_base_rate_limiting',
    up: [
      `CREATE TABLE IF NOT EXISTS ratelimiting_metrics (
         identifier text NOT NULL,
         period text NOT NULL,
         period_date timestamp with time zone NOT NULL,
         service_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'::uuid,
         route_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'::uuid,
         value integer,
         ttl timestamp with time zone,
         PRIMARY KEY (identifier, period, period_date, service_id, route_id)
       )`,
      'CREATE INDEX IF NOT EXISTS ratelimiting_metrics_idx ON ratelimiting_metrics (service_id, route_id, period_date, period)',
      'CREATE INDEX IF NOT EXISTS ratelimiting_metrics_ttl_idx ON ratelimiting_metrics (ttl)',
    ],
  },
];
