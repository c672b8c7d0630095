import pg from 'pg';
import type { PgLinkSettings } from '../../config/index.js';
import { ErrorCode, GatewayError, errorMessage } from '../../errors.js';

/**
 * One pool per link (primary, replica). Plaintext only for now; TLS negotiation and
 * verification are added in `tls.ts`.
 */
export function createPool(link: PgLinkSettings): pg.Pool {
  const pool = new pg.Pool({
    host: link.host,
    port: link.port,
    user: link.user,
    password: link.password ?? undefined,
    database: link.database,
    application_name: 'silverback',
    connectionTimeoutMillis: link.timeout,
    query_timeout: link.timeout,
    idleTimeoutMillis: link.keepaliveTimeout,
    max: link.poolSize,
  });
  pool.on('connect', (client) => {
    const schema = link.schema ? `SET SCHEMA ${pg.escapeLiteral(link.schema)}; ` : '';
    client.query(`${schema}SET TIME ZONE 'UTC'`).catch(() => undefined);
  });
  // An idle client's error must not crash the process; the pool drops the client.
  pool.on('error', () => undefined);
  return pool;
}

/** Kong's wording for every failure of the first query (`SHOW server_version_num`). */
export function preflightError(reason: string, hint?: string): GatewayError {
  return new GatewayError(ErrorCode.DATASTORE_CONNECT, `[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: ${reason}`, { hint });
}

export function describeConnectError(err: unknown, link: PgLinkSettings): { reason: string; hint?: string } {
  const e = err as NodeJS.ErrnoException & { severity?: string };
  if (e.code === 'ECONNREFUSED') return { reason: 'connection refused', hint: `is PostgreSQL running on ${link.host}:${link.port}? (pg_host, pg_port)` };
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return { reason: `[cosocket] DNS resolution failed: ${e.code}`, hint: `check pg_host (${link.host})` };
  if (e.severity === 'FATAL') return { reason: `FATAL: ${e.message}` };
  if (/timeout/i.test(errorMessage(err))) return { reason: 'timeout', hint: `no answer within pg_timeout (${link.timeout} ms) from ${link.host}:${link.port}` };
  return { reason: errorMessage(err) };
}
