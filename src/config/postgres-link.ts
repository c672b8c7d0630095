import type { Config } from './defaults.js';

/** Everything one PostgreSQL link (primary or replica) needs, with `pg_ro_*` inheritance applied. */
export interface PgLinkSettings {
  readonly role: 'primary' | 'replica';
  readonly host: string;
  readonly port: number;
  readonly timeout: number;
  readonly user: string;
  readonly password: string | null;
  readonly database: string;
  readonly schema: string | null;
  readonly ssl: boolean;
  readonly sslRequired: boolean;
  readonly sslVerify: boolean;
  readonly sslVersion: 'tlsv1_1' | 'tlsv1_2' | 'tlsv1_3' | 'any';
  /** Kong EE: the replica has no certificate override; it presents pg_ssl_cert too. */
  readonly sslCert: string | null;
  readonly sslCertKey: string | null;
  readonly sslVerifyHost: boolean;
  readonly sslServerName: string | null;
  readonly sslCrl: readonly string[];
  readonly maxConcurrentQueries: number;
  readonly semaphoreTimeout: number;
  readonly keepaliveTimeout: number;
  readonly poolSize: number;
  readonly backlog: number | null;
  readonly trustedCertificates: readonly string[];
  readonly verifyDepth: number;
  readonly protocols: string;
}

export const DEFAULT_PG_POOL_SIZE = 10;
export const DEFAULT_PG_KEEPALIVE_TIMEOUT = 60_000;

/**
 * Divergence: every unset `pg_ro_X` takes `pg_X`, the TLS ones included (Kong's loader turns
 * the unset TLS ones into `off`, silently sending replica traffic in plaintext).
 */
export function pgLinkSettings(config: Config, role: 'primary' | 'replica'): PgLinkSettings | null {
  const ro = role === 'replica';
  if (ro && !config.pg_ro_host) return null;
  const pick = <T>(rw: T, replica: T | null): T => (ro && replica !== null ? replica : rw);
  return Object.freeze({
    role,
    host: ro ? (config.pg_ro_host as string) : config.pg_host,
    port: pick(config.pg_port, config.pg_ro_port),
    timeout: pick(config.pg_timeout, config.pg_ro_timeout),
    user: pick(config.pg_user, config.pg_ro_user),
    password: pick(config.pg_password, config.pg_ro_password),
    database: pick(config.pg_database, config.pg_ro_database),
    schema: pick(config.pg_schema, config.pg_ro_schema),
    ssl: pick(config.pg_ssl, config.pg_ro_ssl),
    sslRequired: pick(config.pg_ssl_required, config.pg_ro_ssl_required),
    sslVerify: pick(config.pg_ssl_verify, config.pg_ro_ssl_verify),
    sslVersion: pick(config.pg_ssl_version, config.pg_ro_ssl_version),
    sslCert: config.pg_ssl_cert,
    sslCertKey: config.pg_ssl_cert_key,
    sslVerifyHost: config.pg_ssl_verify_host,
    sslServerName: config.pg_ssl_server_name,
    sslCrl: config.pg_ssl_crl,
    maxConcurrentQueries: pick(config.pg_max_concurrent_queries, config.pg_ro_max_concurrent_queries),
    semaphoreTimeout: pick(config.pg_semaphore_timeout, config.pg_ro_semaphore_timeout),
    keepaliveTimeout: pick(config.pg_keepalive_timeout, config.pg_ro_keepalive_timeout) ?? DEFAULT_PG_KEEPALIVE_TIMEOUT,
    poolSize: pick(config.pg_pool_size, config.pg_ro_pool_size) ?? DEFAULT_PG_POOL_SIZE,
    backlog: pick(config.pg_backlog, config.pg_ro_backlog),
    trustedCertificates: config.lua_ssl_trusted_certificate,
    verifyDepth: config.lua_ssl_verify_depth,
    protocols: config.lua_ssl_protocols,
  });
}
