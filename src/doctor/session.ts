import type { PgLinkSettings } from '../config/index.js';
import { errorMessage, isGatewayError } from '../errors.js';
import { LinkPool } from '../datastore/postgres/link-pool.js';
import { createTlsMaterialSource, type TlsMaterial } from '../datastore/postgres/tls-settings.js';
import type { ServerSession } from './types.js';

export type SessionAttempt = { ok: true; session: ServerSession; warnings: string[] } | { ok: false; reason: string; hint?: string; warnings: string[] };

/**
 * Authentication and the server's own view of the session, through the link itself (the same
 * negotiation, verification and SCRAM as a running node), one connection, closed afterwards.
 */
export async function openSession(link: PgLinkSettings, material: TlsMaterial | null): Promise<SessionAttempt> {
  const warnings: string[] = [];
  const pool = new LinkPool({ ...link, poolSize: 1 }, createTlsMaterialSource(link, material), { warn: (m) => warnings.push(m) });
  try {
    const { rows } = await pool.query<{
      ssl: boolean; version: string | null; cipher: string | null; bits: number | null;
      client_dn: string | null; client_serial: string | null; issuer_dn: string | null; user_name: string;
    }>(
      `SELECT s.ssl, s.version, s.cipher, s.bits, s.client_dn, s.client_serial::text AS client_serial, s.issuer_dn, current_user::text AS user_name
         FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()`,
    );
    const r = rows[0];
    return {
      ok: true,
      warnings,
      session: { ssl: r.ssl, version: r.version, cipher: r.cipher, bits: r.bits, clientDn: r.client_dn || null, clientSerial: r.client_serial, issuerDn: r.issuer_dn || null, user: r.user_name },
    };
  } catch (e) {
    if (isGatewayError(e)) return { ok: false, reason: e.message.replace(/^\[PostgreSQL error\] /, ''), hint: e.hint, warnings };
    return { ok: false, reason: errorMessage(e), warnings };
  } finally {
    await pool.end().catch(() => undefined);
  }
}
