import type { Datastore } from '../datastore/index.js';
import type { LinkPool } from '../datastore/postgres/index.js';
import type { FeedDatabase, ListenConnection } from './change-feed.js';

/**
 * The feed's view of a PostgreSQL datastore: queries on the primary, and for LISTEN one
 * connection checked out of the primary link's pool (same TLS and verification as every
 * other connection) and held for as long as it lives. It counts against pg_pool_size.
 */
export function feedDatabase(datastore: Datastore): FeedDatabase | null {
  const links = (datastore as Datastore & { links?: { primary?: LinkPool } }).links;
  if (datastore.kind !== 'postgres' || !links?.primary) return null;
  const primary = links.primary;
  return {
    query: (sql, params) => datastore.query(sql, params),
    listenConnection: async () => (await primary.checkout()) as unknown as ListenConnection,
  };
}
