import type { Config, PgLinkSettings } from '../../config/index.js';
import { pgLinkSettings } from '../../config/index.js';
import { ErrorCode, GatewayError, isGatewayError } from '../../errors.js';
import type { Datastore } from '../types.js';
import { describeConnectError, preflightError } from './describe-error.js';
import { LinkPool, type LinkLog } from './link-pool.js';
import { datastoreFromLinks, type PostgresLinks } from './store.js';
import { createTlsMaterialSource, loadTlsMaterial } from './tls-settings.js';

export { checkPostgresLinkFiles, validateLinkFiles, loadTlsMaterial, createTlsMaterialSource } from './tls-settings.js';
export type { TlsMaterial, TlsMaterialSource, LinkFileReport } from './tls-settings.js';
export { describeConnectError, preflightError } from './describe-error.js';
export type { LinkFailure } from './describe-error.js';
export { LinkPool } from './link-pool.js';
export type { LinkLog, LinkStats } from './link-pool.js';
export type { PostgresLinks } from './store.js';

export interface PostgresDatastoreOptions {
  /** Where link warnings go (plaintext fallback, unauthenticated TLS, key permissions). Default: stderr. */
  log?: LinkLog;
}

export type PostgresDatastore = Datastore & { readonly links: PostgresLinks };

const stderrLog: LinkLog = { warn: (message) => process.stderr.write(`[warn] ${message}\n`) };

/** Kong refuses servers older than 9.5 (kong/db/init.lua). */
const MIN_SERVER_VERSION_NUM = 90500;

function openLink(link: PgLinkSettings, log: LinkLog): LinkPool {
  const material = loadTlsMaterial(link);
  for (const warning of material?.warnings ?? []) log.warn(warning);
  if (link.ssl && !link.sslVerify) {
    log.warn(`pg_ssl_verify is off: the ${link.role === 'replica' ? 'read replica' : 'PostgreSQL'} link to ${link.host}:${link.port} is encrypted but the server is not authenticated (set pg_ssl_verify = on)`);
  }
  return new LinkPool(link, createTlsMaterialSource(link, material), log);
}

/**
 * Opens the PostgreSQL datastore: reads every TLS file first (config errors before any
 * connection), then runs Kong's pre-flight query; a failure is one line in Kong's form plus a hint.
 */
export async function openPostgresDatastore(config: Config, options: PostgresDatastoreOptions = {}): Promise<PostgresDatastore> {
  const log = options.log ?? stderrLog;
  const primaryLink = pgLinkSettings(config, 'primary');
  if (!primaryLink) throw new GatewayError(ErrorCode.CONFIG, 'database: postgres has no primary link (internal)');
  const replicaLink = pgLinkSettings(config, 'replica');
  const primary = openLink(primaryLink, log);
  let replica: LinkPool | null = null;
  try {
    replica = replicaLink ? openLink(replicaLink, log) : null;
  } catch (err) {
    await primary.end();
    throw err;
  }
  const store = datastoreFromLinks({ primary, replica });
  let version: number;
  try {
    version = await store.serverVersionNum();
  } catch (err) {
    await store.close().catch(() => undefined);
    const cause = isGatewayError(err) && err.code === ErrorCode.DATASTORE_CONNECT && err.cause !== undefined ? err.cause : err;
    throw preflightError(describeConnectError(cause, primaryLink), cause);
  }
  if (version < MIN_SERVER_VERSION_NUM) {
    await store.close().catch(() => undefined);
    throw new GatewayError(ErrorCode.DATASTORE_CONNECT, `Kong requires PostgreSQL 9.5 or greater (currently using ${version})`, { hint: 'upgrade the PostgreSQL server' });
  }
  return store;
}
