import type { Datastore, Queryable, QueryResult } from '../types.js';
import type { LinkPool } from './link-pool.js';

/** The primary link and, when `pg_ro_host` is set, the read replica's. */
export interface PostgresLinks {
  primary: LinkPool;
  replica: LinkPool | null;
}

function adapt(link: LinkPool): Queryable {
  return {
    query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      return link.query<R>(sql, params);
    },
  };
}

/** Stable 64-bit advisory lock key from a name. */
function lockKey(name: string): string {
  let h = 0n;
  for (const ch of Buffer.from(`silverback:${name}`)) h = (h * 131n + BigInt(ch)) & 0x7fffffffffffffffn;
  return h.toString();
}

/**
 * PostgreSQL datastore over the links. Reads that tolerate replica lag (`reader`) go to the
 * replica; writes, transactions, locks and everything else go to the primary (Kong sends every
 * Admin API query to the primary too).
 */
export function datastoreFromLinks(links: PostgresLinks): Datastore & { readonly links: PostgresLinks } {
  const primary = adapt(links.primary);
  return {
    kind: 'postgres',
    links,
    query: primary.query,
    reader: links.replica ? adapt(links.replica) : primary,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return links.primary.withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const value = await fn({
            async query<R>(sql: string, params?: readonly unknown[]) {
              const r = await client.query(sql, params ? [...params] : undefined);
              return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
            },
          });
          await client.query('COMMIT');
          return value;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    },
    async serverVersionNum() {
      const r = await primary.query<{ server_version_num: string }>('SHOW server_version_num');
      return Number(r.rows[0].server_version_num);
    },
    withExclusiveLock<T>(name: string, fn: () => Promise<T>) {
      // Session-level advisory lock: held on one dedicated connection for the whole operation.
      return links.primary.withClient(async (client) => {
        const key = lockKey(name);
        const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
        if (!got.rows[0].ok) return { acquired: false as const };
        try {
          return { acquired: true as const, value: await fn() };
        } finally {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
        }
      }, { holdSlot: false });
    },
    async close() {
      await Promise.all([links.primary.end(), links.replica?.end()]);
    },
  };
}
