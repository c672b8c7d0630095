import type { PgLinkSettings } from '../../config/index.js';
import { ErrorCode, GatewayError, errorMessage, isGatewayError } from '../../errors.js';

/** What the user reads after Kong's prefix, and the line telling them what to change. */
export interface LinkFailure {
  reason: string;
  hint?: string;
}

/** Kong's wording for every failure of the first query (`SHOW server_version_num`). */
export function preflightError(failure: LinkFailure, cause?: unknown): GatewayError {
  return new GatewayError(ErrorCode.DATASTORE_CONNECT, `[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: ${failure.reason}`, { hint: failure.hint, cause });
}

/** The same failure later, when a pooled link has to open a new connection. */
export function linkConnectError(failure: LinkFailure, cause?: unknown): GatewayError {
  return new GatewayError(ErrorCode.DATASTORE_CONNECT, `[PostgreSQL error] ${failure.reason}`, { hint: failure.hint, cause });
}

/** OpenSSL's reason string from a Node TLS error ("error:0A000418:SSL routines::tlsv1 alert unknown ca"). */
export function openSslReasonOf(err: Error): string | null {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (!code.startsWith('ERR_SSL_') && !/SSL routines/.test(err.message)) return null;
  // "error:0A000414:SSL routines:ssl3_read_bytes:sslv3 alert certificate revoked:../deps/…/rec_layer_s3.c:1601:SSL alert number 44":
  // OpenSSL's reason is the field after the function name; the source location after it means nothing to users.
  const match = err.message.match(/SSL routines:[^:]*:([^:\n]+)/);
  return (match ? match[1] : err.message).trim();
}

function versionsOffered(link: PgLinkSettings, versions: readonly string[]): string {
  const key = link.role === 'replica' ? 'pg_ro_ssl_version' : 'pg_ssl_version';
  return `Silverback offered ${versions.join(', ')} (${key} = ${link.sslVersion}, lua_ssl_protocols = '${link.protocols}')`;
}

/**
 * A TLS-level failure: the server's alerts and version disagreements, with the fix on the side
 * that must change. `serverVersion` is what a probe handshake negotiated, when one was made.
 */
export function describeTlsFailure(err: Error, link: PgLinkSettings, versions: readonly string[], serverVersion?: string | null): LinkFailure | null {
  const reason = openSslReasonOf(err);
  if (!reason) return null;
  if (/protocol version|unsupported protocol|wrong version number|no protocols available|version too low|version too high/i.test(reason)) {
    if (/no protocols available/i.test(reason) && versions.includes('TLSv1.1')) {
      return {
        reason: `${reason}: Node's OpenSSL refuses TLS 1.1 at its default security level`,
        hint: 'set pg_ssl_version = tlsv1_2 (or tlsv1_3) and enable that version on the server; TLS 1.1 is not available to Silverback',
      };
    }
    const server = serverVersion ? `; the server negotiates ${serverVersion}` : '; the server accepts none of them';
    const want = serverVersion === 'TLSv1.3' ? 'tlsv1_3' : serverVersion === 'TLSv1.2' ? 'tlsv1_2' : 'any';
    return {
      reason: `${reason} (${versionsOffered(link, versions)}${server})`,
      hint: `set pg_ssl_version = ${want} (and keep it in lua_ssl_protocols), or change ssl_min_protocol_version / ssl_max_protocol_version on the server`,
    };
  }
  if (/alert unknown ca|alert bad certificate|alert certificate unknown|alert decrypt error/i.test(reason)) {
    return {
      reason,
      hint: link.sslCert
        ? `the server does not trust the client certificate pg_ssl_cert (${link.sslCert}): sign it with a CA in the server's ssl_ca_file, or add its CA there`
        : 'the server demands a client certificate it trusts: set pg_ssl_cert and pg_ssl_cert_key',
    };
  }
  if (/certificate revoked/i.test(reason)) {
    return { reason, hint: `the server's ssl_crl_file revokes the client certificate pg_ssl_cert (${link.sslCert ?? 'unset'}): issue a new one and update pg_ssl_cert and pg_ssl_cert_key` };
  }
  if (/certificate expired/i.test(reason)) {
    return { reason, hint: `the server refused the client certificate as expired: renew pg_ssl_cert (${link.sslCert ?? 'unset'})` };
  }
  if (/certificate required|handshake failure/i.test(reason)) {
    return { reason, hint: link.sslCert ? 'the server refused the TLS handshake: compare its log with pg_ssl_cert, pg_ssl_version and lua_ssl_protocols' : 'the server demands a client certificate: set pg_ssl_cert and pg_ssl_cert_key' };
  }
  return { reason, hint: 'the TLS handshake failed; the PostgreSQL server log names the cause' };
}

function fatalHint(message: string, link: PgLinkSettings): string | undefined {
  if (/connection requires a valid client certificate/.test(message)) {
    return `the server authenticates by client certificate: set pg_ssl_cert and pg_ssl_cert_key to a certificate its ssl_ca_file trusts, with CN = ${link.user}`;
  }
  const certAuth = message.match(/certificate authentication failed for user "([^"]*)"/);
  if (certAuth) {
    return `the client certificate's CN is not '${certAuth[1]}': use a certificate (pg_ssl_cert) with CN=${certAuth[1]}, set pg_user to its CN, or map the CN in pg_hba.conf/pg_ident.conf`;
  }
  if (/no pg_hba\.conf entry.*(no encryption|SSL off)/.test(message)) {
    return 'the server only accepts TLS connections from here: set pg_ssl = on (and pg_ssl_required = on, pg_ssl_verify = on)';
  }
  if (/no pg_hba\.conf entry.*(SSL encryption|SSL on)/.test(message)) {
    return "pg_hba.conf has no hostssl (or host) line matching this user, database and address: add one on the server";
  }
  if (/no pg_hba\.conf entry/.test(message)) return 'add a pg_hba.conf line on the server for this user, database and address';
  if (/password authentication failed/.test(message)) return 'check pg_password (and pg_user)';
  if (/database ".*" does not exist/.test(message)) return 'check pg_database, or create the database on the server';
  if (/role ".*" does not exist/.test(message)) return 'check pg_user, or create the role on the server';
  if (/too many clients|remaining connection slots/.test(message)) return "lower pg_pool_size, or raise the server's max_connections";
  return undefined;
}

/** Every way a connection can fail, as spec §4's `<reason>` and hint. Never a stack trace. */
export function describeConnectError(err: unknown, link: PgLinkSettings): LinkFailure {
  // A link failure we described ourselves, possibly wrapped by pg-pool's timeout error.
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    if (isGatewayError(e)) return { reason: e.message.replace(/^\[PostgreSQL error\] /, ''), hint: e.hint };
  }
  const e = err as NodeJS.ErrnoException & { severity?: string };
  const where = `${link.host}:${link.port}`;
  if (e?.code === 'ECONNREFUSED') return { reason: 'connection refused', hint: `is PostgreSQL running on ${where}? (pg_host, pg_port)` };
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return { reason: `[cosocket] DNS resolution failed: ${e.code}`, hint: `check pg_host (${link.host})` };
  if (e?.code === 'EHOSTUNREACH' || e?.code === 'ENETUNREACH') return { reason: 'no route to host', hint: `check pg_host (${link.host}) and the network` };
  if (e?.severity === 'FATAL' || e?.severity === 'PANIC') return { reason: `FATAL: ${e.message}`, hint: fatalHint(e.message, link) };
  if (e instanceof Error) {
    const tls = describeTlsFailure(e, link, []);
    if (tls) return tls;
  }
  const message = errorMessage(err);
  if (/timeout/i.test(message)) {
    return { reason: 'timeout', hint: `no answer within pg_timeout (${link.timeout} ms) from ${where}; check the server's load, pg_timeout, and pg_pool_size / pg_backlog` };
  }
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || /Connection terminated/.test(message)) {
    return { reason: 'closed', hint: `${where} closed the connection; the PostgreSQL server log says why` };
  }
  if (/client password must be a string/.test(message)) return { reason: 'the server asks for a password but pg_password is not set', hint: 'set pg_password' };
  return { reason: message.split('\n')[0] };
}
