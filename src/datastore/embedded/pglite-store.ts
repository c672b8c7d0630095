import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { ErrorCode, GatewayError, errorMessage } from '../../errors.js';
import type { Datastore, Queryable, QueryResult } from '../types.js';
import { Mutex } from '../mutex.js';

/**
 * The default datastore: PostgreSQL compiled to WebAssembly, in-process, persisted in
 * `<prefix>/data`. One connection serves the process, so transactions and the cluster lock
 * are serialised with a mutex instead of advisory locks.
 */
export async function openEmbeddedDatastore(dataDir: string | null): Promise<Datastore> {
  let db: PGlite;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = await PGlite.create(dataDir ?? undefined);
    await db.exec("SET TIME ZONE 'UTC'");
  } catch (err) {
    throw new GatewayError(ErrorCode.DATASTORE_CONNECT, `[embedded] cannot open the embedded database in ${dataDir ?? 'memory'}: ${errorMessage(err)}`, {
      hint: 'another Silverback process may be using this prefix; stop it or choose another prefix (-p)',
    });
  }
  const txMutex = new Mutex();
  const lockMutex = new Mutex();

  const run = async <R>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    try {
      const result = await q.query<R>(sql, params ? [...params] : undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    } catch (err) {
      throw translatePgliteError(err);
    }
  };

  const store: Datastore = {
    kind: 'embedded',
    query: <R>(sql: string, params?: readonly unknown[]) => txMutex.run(() => run<R>(db, sql, params)),
    get reader(): Queryable {
      return store;
    },
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      txMutex.run(() =>
        db.transaction(async (tx) => {
          const q: Queryable = { query: <R>(sql: string, params?: readonly unknown[]) => run<R>(tx, sql, params) };
          return fn(q);
        }),
      ),
    async serverVersionNum() {
      const r = await store.query<{ server_version_num: string }>('SHOW server_version_num');
      return Number(r.rows[0].server_version_num);
    },
    async withExclusiveLock<T>(_name: string, fn: () => Promise<T>) {
      if (lockMutex.locked) return { acquired: false as const };
      return lockMutex.run(async () => ({ acquired: true as const, value: await fn() }));
    },
    async close() {
      await db.close();
    },
  };
  return store;
}

/** PGlite throws errors carrying PostgreSQL's SQLSTATE in `code`, like node-postgres. */
function translatePgliteError(err: unknown): unknown {
  return err;
}
