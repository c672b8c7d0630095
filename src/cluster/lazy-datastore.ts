import { pgLinkSettings, type Config } from '../config/index.js';
import type { Datastore } from '../datastore/index.js';
import { LinkPool, createTlsMaterialSource, loadTlsMaterial, type LinkLog } from '../datastore/postgres/index.js';
import { datastoreFromLinks } from '../datastore/postgres/store.js';

/**
 * A PostgreSQL datastore whose links are set up (TLS files read, settings checked) without the
 * pre-flight query, for a node that starts while the database is down and serves its persisted
 * snapshot: the change feed connects later and the node catches up then.
 */
export function openPostgresWithoutPreflight(config: Config, log: LinkLog): Datastore {
  const open = (role: 'primary' | 'replica') => {
    const link = pgLinkSettings(config, role);
    if (!link) return null;
    const material = loadTlsMaterial(link);
    return new LinkPool(link, createTlsMaterialSource(link, material), log);
  };
  const primary = open('primary');
  if (!primary) throw new Error('database = postgres has no primary link');
  return datastoreFromLinks({ primary, replica: open('replica') });
}
