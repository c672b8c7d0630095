/** The plugins' tables exist after bootstrap on both datastores, and the cluster upsert works on each. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/plugins/bundled-auth.js';
import { openTestDatastore, DATASTORE_KINDS, type TestDatastore } from '../harness/datastores.js';
import { clusterPolicy } from '../../src/plugins/rate-limiting/policies/cluster.js';

describe.each(DATASTORE_KINDS)('plugin migrations on %s', (kind) => {
  let store: TestDatastore;
  beforeAll(async () => {
    store = await openTestDatastore(kind);
  }, 120_000);
  afterAll(async () => store?.destroy());

  it('creates keyauth_credentials, basicauth_credentials, acls and ratelimiting_metrics', async () => {
    const res = await store.datastore.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()');
    const tables = res.rows.map((r) => r.tablename);
    expect(tables).toEqual(expect.arrayContaining(['keyauth_credentials', 'basicauth_credentials', 'acls', 'ratelimiting_metrics']));
  });

  it('counts exactly with the cluster policy', async () => {
    const policy = clusterPolicy(store.datastore);
    const scope = { routeId: '00000000-0000-0000-0000-000000000000', serviceId: '00000000-0000-0000-0000-000000000000', identifier: `m-${kind}` };
    const specs = [{ period: 'minute' as const, limit: 7, windowStart: Date.UTC(2031, 0, 1), ttl: 60 }];
    const results = await Promise.all(Array.from({ length: 30 }, () => policy.increment(scope, specs)));
    expect(results.filter((c) => c.get('minute')! <= 7)).toHaveLength(7);
  });
});
