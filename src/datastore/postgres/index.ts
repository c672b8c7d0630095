import type { Config } from '../../config/index.js';
import { pgLinkSettings } from '../../config/index.js';
import type { Datastore } from '../types.js';
import { createPool, describeConnectError, preflightError } from './link.js';
import { datastoreFromPools } from './store.js';

/** Opens the PostgreSQL datastore and runs Kong's pre-flight query; failures name the cause. */
export async function openPostgresDatastore(config: Config): Promise<Datastore> {
  const primaryLink = pgLinkSettings(config, 'primary')!;
  const replicaLink = pgLinkSettings(config, 'replica');
  const primary = createPool(primaryLink);
  const replica = replicaLink ? createPool(replicaLink) : null;
  const store = datastoreFromPools({ primary, replica }, primaryLink);
  try {
    await store.serverVersionNum();
  } catch (err) {
    await store.close().catch(() => undefined);
    const { reason, hint } = describeConnectError(err, primaryLink);
    throw preflightError(reason, hint);
  }
  return store;
}
