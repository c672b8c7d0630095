import pg from 'pg';
import type { PgLinkSettings } from '../../config/index.js';
import type { Datastore, Queryable, QueryResult } from '../types.js';

/**
 * PostgreSQL datastore over node-postgres. The link itself (TLS negotiation, verification,
 * pool limits, error wording) lives in `link.ts`; this file only adapts pools to `Datastore`.
 */
export interface PostgresPools {
  primary: pg.Pool;
  replica: pg.Pool | null;
}

function adapt(pool: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await pool.query(sql, params ? [...params] : undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

/** Stable 64-bit advisory lock key from a name. */
function lockKey(name: string): string {
  let h = 0n;
  for (const ch of Buffer.from(`silverback:${name}`)) h = (h * 131n + BigInt(ch)) & 0x7fffffffffffffffn;
  return h.toString();
}

export function datastoreFromPools(pools: PostgresPools, primary: PgLinkSettings): Datastore {
  const primaryQ = adapt(pools.primary);
  const store: Datastore = {
    kind: 'postgres',
    query: primaryQ.query,
    reader: pools.replica ? adapt(pools.replica) : primaryQ,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pools.primary.connect();
      try {
        await client.query('BEGIN');
        const value = await fn(adapt(client));
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async serverVersionNum() {
      const r = await primaryQ.query<{ server_version_num: string }>('SHOW server_version_num');
      return Number(r.rows[0].server_version_num);
    },
    async withExclusiveLock<T>(name: string, fn: () => Promise<T>) {
      // Session-level advisory lock: held on one dedicated client for the whole operation.
      const client = await pools.primary.connect();
      try {
        const key = lockKey(name);
        const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
        if (!got.rows[0].ok) return { acquired: false as const };
        try {
          return { acquired: true as const, value: await fn() };
        } finally {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await Promise.all([pools.primary.end(), pools.replica?.end()]);
    },
  };
  void primary;
  return store;
}
