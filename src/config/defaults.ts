import { bool, int, list, num, oneOf, optBool, optInt, optOneOf, optStr, size, str } from './setting-types.js';
import type { SettingValue } from './setting-types.js';

const TLS_VERSIONS = ['tlsv1_1', 'tlsv1_2', 'tlsv1_3', 'any'] as const;
const LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;

/**
 * Every kong.conf setting Silverback reads, in the order docs/configuration.md lists them.
 * Defaults follow Kong 3.x unless a `Divergence` is noted in the description.
 */
export const settings = {
  // General
  prefix: optStr('Working directory: pid file, logs, embedded database, persisted snapshot. Unset: /usr/local/kong when writable, else ~/.silverback.'),
  log_level: oneOf(LOG_LEVELS, 'notice', 'Minimum level written to stderr and <prefix>/logs/error.log.'),
  proxy_access_log: str('logs/access.log', 'Proxy access log, relative to the prefix, or `off`.'),
  proxy_error_log: str('logs/error.log', 'Error log, relative to the prefix.'),
  admin_access_log: str('logs/admin_access.log', 'Admin API access log, relative to the prefix, or `off`.'),
  admin_error_log: str('logs/error.log', 'Admin API error log, relative to the prefix.'),
  status_access_log: str('off', 'Status API access log.'),
  status_error_log: str('logs/status_error.log', 'Status API error log.'),
  plugins: list(['bundled'], 'Plugins available on this node: `bundled` and/or plugin names; `off` for none.'),
  anonymous_reports: bool(false, 'Accepted for compatibility; Silverback sends no reports.', { ignored: true }),
  node_id: optStr('Fixed node id (UUID); unset: generated once and kept in <prefix>/node_id.'),

  // Listeners
  proxy_listen: list(['0.0.0.0:8000 reuseport backlog=16384', '0.0.0.0:8443 http2 ssl reuseport backlog=16384'], 'Proxy listeners: `address:port [ssl] [http2] [reuseport] [backlog=N]`, comma-separated, or `off`.'),
  admin_listen: list(['127.0.0.1:8001 reuseport backlog=16384', '127.0.0.1:8444 http2 ssl reuseport backlog=16384'], 'Admin API listeners, same syntax as proxy_listen, or `off`.'),
  status_listen: list(['127.0.0.1:8007 reuseport backlog=16384'], 'Status API listeners (`/status`, `/metrics`), or `off`.'),
  nginx_worker_processes: str('auto', 'Proxy worker processes: a number, or `auto` for one per core.'),
  ssl_cert: list([], 'Default proxy TLS certificates (PEM files) when no SNI matches; unset: one is generated in <prefix>/ssl.'),
  ssl_cert_key: list([], 'Keys for ssl_cert, in the same order.'),
  admin_ssl_cert: list([], 'TLS certificates for ssl Admin API listeners; unset: generated.'),
  admin_ssl_cert_key: list([], 'Keys for admin_ssl_cert.'),
  status_ssl_cert: list([], 'TLS certificates for ssl status listeners; unset: generated.'),
  status_ssl_cert_key: list([], 'Keys for status_ssl_cert.'),
  ssl_protocols: str('TLSv1.2 TLSv1.3', 'TLS versions the proxy accepts on ssl listeners.'),
  client_ssl: bool(false, 'Present client_ssl_cert to upstreams.'),
  client_ssl_cert: optStr('Client certificate presented to upstreams when client_ssl is on.'),
  client_ssl_cert_key: optStr('Key of client_ssl_cert.'),

  // Proxy behaviour
  headers: list(['server_tokens', 'latency_tokens', 'X-Kong-Request-Id'], 'Response headers the gateway adds: server_tokens, latency_tokens, Via, Server, X-Kong-Proxy-Latency, X-Kong-Response-Latency, X-Kong-Upstream-Latency, X-Kong-Admin-Latency, X-Kong-Upstream-Status, X-Kong-Request-Id, or `off`.'),
  headers_upstream: list(['X-Kong-Request-Id'], 'Headers added to requests sent upstream: X-Kong-Request-Id, or `off`.'),
  trusted_ips: list([], 'Addresses/CIDRs whose X-Forwarded-* and real_ip_header are trusted; `unix:` and 0.0.0.0/0 accepted.'),
  real_ip_header: str('X-Real-IP', 'Header carrying the client address when the peer is trusted; `proxy_protocol` accepted.'),
  real_ip_recursive: bool(false, 'Take the last untrusted address of real_ip_header rather than the last one.'),
  error_default_type: oneOf(['text/plain', 'application/json', 'application/xml', 'text/html'] as const, 'text/plain', 'Format of gateway-generated errors when the request has no usable Accept header.'),
  router_flavor: oneOf(['traditional_compatible', 'traditional', 'expressions'] as const, 'traditional_compatible', 'Router semantics; Silverback implements traditional_compatible (traditional behaves the same here).'),
  upstream_keepalive_pool_size: int(512, 'Idle keep-alive connections kept per upstream.', { min: 0 }),
  upstream_keepalive_max_requests: int(10000, 'Requests sent on one upstream connection before it is closed.', { min: 0 }),
  upstream_keepalive_idle_timeout: int(60, 'Seconds an idle upstream connection is kept.', { min: 0 }),
  client_max_body_size: size('0', 'Largest request body accepted (0 = unlimited), e.g. `8m`.'),
  client_body_buffer_size: size('8k', 'Accepted for compatibility.', { ignored: true }),
  allow_debug_header: bool(false, 'Accepted for compatibility.', { ignored: true }),

  // Datastore
  database: oneOf(['embedded', 'postgres', 'off'] as const, 'embedded', 'Datastore: `embedded` (in-process PostgreSQL in <prefix>/data), `postgres`, or `off` (DB-less). Divergence: Kong defaults to postgres.'),
  declarative_config: optStr('With database = off: the declarative file (YAML or JSON) loaded at start.'),
  declarative_config_string: optStr('With database = off: the declarative configuration itself, as a string.'),
  db_update_frequency: num(5, 'Seconds between polls of the cluster events table (fallback when notifications are missed).', { min: 0 }),
  db_update_propagation: num(0, 'Extra delay in seconds before applying a change (for eventually consistent databases).', { min: 0 }),
  db_cache_ttl: num(0, 'Time to live of cached datastore lookups, seconds (0 = no expiry).', { min: 0 }),
  db_cache_warmup_entities: list(['services'], 'Accepted for compatibility: the snapshot always holds every entity.', { ignored: true }),
  mem_cache_size: size('128m', 'Memory for caches (proxy-cache memory strategy included), e.g. `128m`.'),

  // PostgreSQL
  pg_host: str('127.0.0.1', 'PostgreSQL host.'),
  pg_port: int(5432, 'PostgreSQL port.', { min: 1 }),
  pg_timeout: int(5000, 'Milliseconds for connect, TLS handshake and each query.', { min: 1 }),
  pg_user: str('kong', 'PostgreSQL user.'),
  pg_password: optStr('PostgreSQL password.', { secret: true }),
  pg_database: str('kong', 'PostgreSQL database.'),
  pg_schema: optStr('Schema to use; unset: the server\'s current schema.'),
  pg_ssl: bool(false, 'Ask the server for TLS (SSLRequest).'),
  pg_ssl_required: bool(false, 'Refuse to connect when the server does not offer TLS.'),
  pg_ssl_verify: bool(false, 'Verify the server certificate chain against lua_ssl_trusted_certificate. Divergence: also refuses plaintext.'),
  pg_ssl_version: oneOf(TLS_VERSIONS, 'tlsv1_2', 'TLS version: tlsv1_1, tlsv1_2 or tlsv1_3 pin that version; `any` negotiates the highest, never below TLS 1.1.'),
  pg_ssl_cert: optStr('Client certificate (PEM, may carry its intermediate appended) for mutual TLS.'),
  pg_ssl_cert_key: optStr('Private key of pg_ssl_cert.'),
  pg_ssl_verify_host: bool(false, 'Extension: also check the server name (SAN, or CN without SAN) against pg_host or pg_ssl_server_name.'),
  pg_ssl_server_name: optStr('Extension: name sent as SNI and checked by pg_ssl_verify_host (useful when pg_host is an IP).'),
  pg_ssl_crl: list([], 'Extension: PEM CRL files checked against the server chain.'),
  pg_max_concurrent_queries: int(0, 'Concurrent queries per process (0 = unlimited).', { min: 0 }),
  pg_semaphore_timeout: int(60000, 'Milliseconds a query waits for a free slot.', { min: 0 }),
  pg_keepalive_timeout: optInt('Milliseconds an idle pooled connection is kept (unset: 60000; 0 = forever).', { min: 0 }),
  pg_pool_size: optInt('Pooled connections per process (unset: 10).', { min: 1 }),
  pg_backlog: optInt('Callers allowed to wait for a pooled connection when the pool is full (unset: unlimited).', { min: 0 }),

  // PostgreSQL read replica: each unset pg_ro_X takes pg_X (Divergence: Kong drops the TLS ones to off).
  pg_ro_host: optStr('Read replica host; setting it enables the replica.'),
  pg_ro_port: optInt('Replica port (default: pg_port).', { min: 1, inheritsFrom: 'pg_port' }),
  pg_ro_timeout: optInt('Replica timeout (default: pg_timeout).', { min: 1, inheritsFrom: 'pg_timeout' }),
  pg_ro_user: optStr('Replica user (default: pg_user).', { inheritsFrom: 'pg_user' }),
  pg_ro_password: optStr('Replica password (default: pg_password).', { secret: true, inheritsFrom: 'pg_password' }),
  pg_ro_database: optStr('Replica database (default: pg_database).', { inheritsFrom: 'pg_database' }),
  pg_ro_schema: optStr('Replica schema (default: pg_schema).', { inheritsFrom: 'pg_schema' }),
  pg_ro_ssl: optBool('Replica TLS (default: pg_ssl).', { inheritsFrom: 'pg_ssl' }),
  pg_ro_ssl_required: optBool('Replica TLS required (default: pg_ssl_required).', { inheritsFrom: 'pg_ssl_required' }),
  pg_ro_ssl_verify: optBool('Replica verification (default: pg_ssl_verify).', { inheritsFrom: 'pg_ssl_verify' }),
  pg_ro_ssl_version: optOneOf(TLS_VERSIONS, 'Replica TLS version (default: pg_ssl_version).', { inheritsFrom: 'pg_ssl_version' }),
  pg_ro_max_concurrent_queries: optInt('Replica concurrent queries (default: pg_max_concurrent_queries).', { min: 0, inheritsFrom: 'pg_max_concurrent_queries' }),
  pg_ro_semaphore_timeout: optInt('Replica semaphore timeout (default: pg_semaphore_timeout).', { min: 0, inheritsFrom: 'pg_semaphore_timeout' }),
  pg_ro_keepalive_timeout: optInt('Replica idle timeout (default: pg_keepalive_timeout).', { min: 0, inheritsFrom: 'pg_keepalive_timeout' }),
  pg_ro_pool_size: optInt('Replica pool size (default: pg_pool_size).', { min: 1, inheritsFrom: 'pg_pool_size' }),
  pg_ro_backlog: optInt('Replica backlog (default: pg_backlog).', { min: 0, inheritsFrom: 'pg_backlog' }),

  // TLS trust for the datastore link and other outgoing TLS
  lua_ssl_trusted_certificate: list(['system'], 'Trusted CAs: `system` (the OS bundle) and/or PEM files, comma-separated.'),
  lua_ssl_verify_depth: int(1, 'Most intermediate CAs allowed between a server certificate and its trust anchor (OpenSSL meaning).', { min: 0 }),
  lua_ssl_protocols: str('TLSv1.2 TLSv1.3', 'TLS versions allowed for outgoing TLS (intersected with pg_ssl_version).'),
} as const;

export type SettingName = keyof typeof settings;

/** The typed, frozen configuration every module receives. */
export type Config = { readonly [K in Exclude<SettingName, 'prefix'>]: SettingValue<(typeof settings)[K]> } & {
  /** Resolved absolute prefix directory. */
  readonly prefix: string;
  /** Where each value came from, for `check` and for the `database` default rule. */
  readonly sources: Readonly<Record<SettingName, 'default' | 'file' | 'env' | 'flag'>>;
  /** The kong.conf file read, if any. */
  readonly configFile: string | null;
};

export { LOG_LEVELS, TLS_VERSIONS };
