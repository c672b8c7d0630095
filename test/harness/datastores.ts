/**
 * Both datastores for shared suites (`describe.each(DATASTORE_KINDS)`): the embedded PGlite
 * store (in memory, or a temp prefix for a node) and a real PostgreSQL server (plaintext
 * SCRAM), each bootstrapped with the migrations runner before use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { Datastore } from '../../src/datastore/index.js';
import { openEmbeddedDatastore } from '../../src/datastore/embedded/pglite-store.js';
import { openPostgresDatastore } from '../../src/datastore/postgres/index.js';
import { bootstrap } from '../../src/datastore/migrations/index.js';
import { startPostgres, type PgServer } from './postgres.js';

export type TestDatastoreKind = 'embedded' | 'postgres';
export const DATASTORE_KINDS: readonly TestDatastoreKind[] = ['embedded', 'postgres'];

export interface TestDatastore {
  readonly kind: TestDatastoreKind;
  /** An open datastore with every migration applied. */
  readonly datastore: Datastore;
  /** Closes the datastore and removes what was created for it (server, database, temp dir). */
  destroy(): Promise<void>;
}

export interface TestNodeDatastore {
  readonly kind: TestDatastoreKind;
  /** `KONG_*` variables (prefix included) that point a node at a bootstrapped datastore. */
  readonly env: Record<string, string>;
  readonly prefix: string;
  destroy(): Promise<void>;
}

const quiet = { warn: () => undefined };
let dbCounter = 0;

function postgresEnv(server: PgServer, database: string): Record<string, string> {
  return {
    KONG_DATABASE: 'postgres',
    KONG_PG_HOST: server.host,
    KONG_PG_PORT: String(server.port),
    KONG_PG_USER: 'kong',
    KONG_PG_PASSWORD: 'kong',
    KONG_PG_DATABASE: database,
  };
}

function configFrom(env: Record<string, string>): Config {
  return loadConfig({ env, defaultPaths: [] }).config;
}

/** A fresh database on a new server; bootstrapped. */
async function postgresWithDatabase(): Promise<{ server: PgServer; env: Record<string, string>; datastore: Datastore }> {
  const server = await startPostgres();
  try {
    const database = `silverback_${process.pid}_${++dbCounter}`;
    await server.superQuery(`CREATE DATABASE ${database} OWNER kong`);
    const env = postgresEnv(server, database);
    const datastore = await openPostgresDatastore(configFrom(env), { log: quiet });
    try {
      await bootstrap(datastore, () => undefined);
    } catch (err) {
      await datastore.close();
      throw err;
    }
    return { server, env, datastore };
  } catch (err) {
    await server.destroy();
    throw err;
  }
}

/** A bootstrapped datastore for DAO-level tests. */
export async function openTestDatastore(kind: TestDatastoreKind): Promise<TestDatastore> {
  if (kind === 'embedded') {
    const datastore = await openEmbeddedDatastore(null);
    await bootstrap(datastore, () => undefined);
    return { kind, datastore, destroy: () => datastore.close() };
  }
  const { server, datastore } = await postgresWithDatabase();
  return {
    kind,
    datastore,
    async destroy() {
      await datastore.close().catch(() => undefined);
      await server.destroy();
    },
  };
}

/**
 * Settings for a node: embedded bootstraps itself in `<prefix>/data`; PostgreSQL is started
 * and bootstrapped here, since a node only migrates a database that was bootstrapped.
 */
export async function prepareNodeDatastore(kind: TestDatastoreKind): Promise<TestNodeDatastore> {
  const prefix = mkdtempSync(join(tmpdir(), `silverback-${kind}-`));
  if (kind === 'embedded') {
    return { kind, prefix, env: { KONG_PREFIX: prefix, KONG_DATABASE: 'embedded' }, destroy: async () => rmSync(prefix, { recursive: true, force: true }) };
  }
  try {
    const { server, env, datastore } = await postgresWithDatabase();
    await datastore.close();
    return {
      kind,
      prefix,
      env: { ...env, KONG_PREFIX: prefix },
      async destroy() {
        await server.destroy();
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(prefix, { recursive: true, force: true });
    throw err;
  }
}
