import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { openEmbeddedDatastore } from './embedded/pglite-store.js';
import { openPostgresDatastore } from './postgres/index.js';
import type { Datastore } from './types.js';

export type { Datastore, Queryable, QueryResult, DatastoreKind } from './types.js';

/** Opens the datastore `database` names; `off` has none (DB-less). */
export async function openDatastore(config: Config, log?: { warn(msg: string): void }): Promise<Datastore> {
  switch (config.database) {
    case 'embedded':
      return openEmbeddedDatastore(join(config.prefix, 'data'));
    case 'postgres':
      return openPostgresDatastore(config, log ? { log } : {});
    default:
      throw new GatewayError(ErrorCode.CONFIG, `database = ${config.database} has no datastore`);
  }
}
