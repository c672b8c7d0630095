import type { PgLinkSettings } from '../config/index.js';
import type { DoctorCause } from './types.js';

export interface Diagnosis {
  cause: DoctorCause;
  fix: string;
}

/** What doctor knows about the client certificate, to word the fixes. */
export interface ClientFacts {
  cn?: string;
  issuer?: string;
  serialHex?: string;
}

/** The server's refusal of our certificate chain, from verify-server's numbered OpenSSL reasons. */
export function classifyServerRefusal(reason: string): DoctorCause {
  if (/^(18|19|20|21|24|27|28):/.test(reason)) return 'wrong-ca';
  if (/^(9|10):/.test(reason)) return 'server-cert-expired';
  if (/^22:/.test(reason)) return 'chain-too-long';
  if (/^23:/.test(reason)) return 'server-cert-revoked';
  if (/^62:/.test(reason)) return 'name-mismatch';
  return 'unknown';
}

/**
 * A failure of the TLS handshake or of the session start, as the link describes it (spec §4
 * wording), turned into a named cause and a fix in the user's own setting names.
 */
export function classifyLinkFailure(reason: string, hint: string | undefined, link: PgLinkSettings, client: ClientFacts): Diagnosis {
  const certKeys = 'pg_ssl_cert and pg_ssl_cert_key';
  if (/connection refused/.test(reason)) {
    return { cause: 'server-down', fix: `nothing listens on ${link.host}:${link.port}: start PostgreSQL there, or correct pg_host / pg_port` };
  }
  if (/^timeout/.test(reason)) return { cause: 'timeout', fix: hint ?? `no answer within pg_timeout (${link.timeout} ms): check pg_host, pg_port, firewalls and pg_timeout` };
  if (/does not support SSL connections/.test(reason)) {
    return { cause: 'server-without-tls', fix: "turn TLS on in the server's postgresql.conf (ssl = on, ssl_cert_file, ssl_key_file; 'silverback certs create' prints them) and reload it" };
  }
  if (/no pg_hba\.conf entry.*(no encryption|SSL off)/.test(reason)) {
    return { cause: 'server-requires-tls', fix: 'the server only accepts TLS from here: set pg_ssl = on, pg_ssl_required = on, pg_ssl_verify = on' };
  }
  if (/no pg_hba\.conf entry/.test(reason)) {
    return {
      cause: 'no-hba-entry',
      fix: `pg_hba.conf on the server has no line for user '${link.user}', database '${link.database}' from this address${link.ssl ? ' over TLS' : ''}: add one, e.g. 'hostssl ${link.database} ${link.user} <gateway address>/32 cert', then reload`,
    };
  }
  if (/connection requires a valid client certificate/.test(reason)) {
    return link.sslCert
      ? { cause: 'client-cert-missing', fix: `the server never asked for the client certificate (pg_ssl_cert = ${link.sslCert}): set ssl_ca_file in its postgresql.conf to the CA that issued it, and reload` }
      : { cause: 'client-cert-missing', fix: `the server authenticates by client certificate: set ${certKeys} (e.g. the client.crt and client.key from 'silverback certs create', CN = ${link.user})` };
  }
  const certAuth = reason.match(/certificate authentication failed for user "([^"]*)"/);
  if (certAuth) {
    const cn = client.cn ?? '<CN>';
    return {
      cause: 'cn-mismatch',
      fix: `pg_ssl_cert's CN is '${cn}' but pg_user is '${certAuth[1]}': set pg_user = ${cn}, or use a certificate with CN=${certAuth[1]}, or map it on the server: pg_ident.conf 'silverback ${cn} ${certAuth[1]}' and 'map=silverback' on the pg_hba.conf cert line`,
    };
  }
  if (/certificate revoked/i.test(reason)) {
    return {
      cause: 'client-cert-revoked',
      fix: `the server's ssl_crl_file revokes pg_ssl_cert (${link.sslCert ?? 'unset'}${client.serialHex ? `, serial ${client.serialHex}` : ''}): issue a new client certificate and point ${certKeys} at it (a running node picks it up without restart)`,
    };
  }
  if (/alert unknown ca|alert bad certificate|alert certificate unknown|alert decrypt error|alert certificate expired/i.test(reason)) {
    if (!link.sslCert) return { cause: 'client-cert-missing', fix: `the server demands a client certificate: set ${certKeys}` };
    return {
      cause: 'client-cert-untrusted',
      fix: `the server does not accept pg_ssl_cert (${link.sslCert}${client.issuer ? `, issued by ${client.issuer}` : ''}): add its CA to the server's ssl_ca_file, or use a certificate issued by a CA listed there (a ssl_crl_file without a CRL for every CA of the chain is refused the same way)`,
    };
  }
  if (/certificate required|handshake failure/i.test(reason) && !link.sslCert) {
    return { cause: 'client-cert-missing', fix: `the server demands a client certificate: set ${certKeys}` };
  }
  if (/protocol version|unsupported protocol|wrong version number|no protocols available|version too/i.test(reason)) {
    return { cause: 'tls-version', fix: hint ?? 'align pg_ssl_version (and lua_ssl_protocols) with the server\'s ssl_min_protocol_version / ssl_max_protocol_version' };
  }
  if (/password authentication failed/.test(reason)) {
    return { cause: 'wrong-password', fix: `pg_password is not the password of '${link.user}' on the server: correct pg_password (or pg_user)` };
  }
  if (/pg_password is not set/.test(reason)) return { cause: 'wrong-password', fix: 'the server asks for a password: set pg_password' };
  const serverRefusal = classifyServerRefusal(reason);
  if (serverRefusal !== 'unknown') return { cause: serverRefusal, fix: hint ?? 'see the reason above' };
  return { cause: 'unknown', fix: hint ?? "the PostgreSQL server's log names the cause" };
}
