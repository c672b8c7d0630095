/**
 * The plugin contract: what a plugin handler declares and the PDK (`kong.*`) it receives.
 * Modelled on Kong's PDK (kong/pdk/*.lua) with camelCase names. A plugin is a folder
 * `src/plugins/<name>/{schema.ts,handler.ts,index.ts}`; `index.ts` calls `registerBundledPlugin`.
 */
import type { Datastore } from '../datastore/index.js';
import type { Migration } from '../datastore/migrations/types.js';
import type { EntityDef, PluginSchemaDef } from '../schema/types.js';
import type { LogRecord } from './log-serializer.js';

/** A stored row of any entity as the snapshot holds it (frozen, plain JSON). */
export type Row = Readonly<Record<string, any>>;

/** Header values as plugins see them: one string, or several for repeated header lines. */
export type HeaderValue = string | string[];
export type Headers = Record<string, HeaderValue>;

/** Query arguments: a bare `?a` is `true` (as Kong), repeated args become arrays. */
export type QueryValue = string | boolean | (string | boolean)[];
export type Query = Record<string, QueryValue>;

/** The phases a plugin may implement, in the order they run. */
export const PHASES = ['certificate', 'rewrite', 'access', 'response', 'headerFilter', 'bodyFilter', 'log'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * One phase of a handler. `conf` is the plugin entity's `config` (defaults filled in by the schema).
 * Returning a promise is allowed in every phase; the runner awaits it.
 * - certificate: during the TLS handshake; only `kong.client`, `kong.log`, `kong.ctx` are meaningful.
 * - rewrite: before routing-dependent plugins (only global plugins run here, as in Kong).
 * - access: before proxying; may change the upstream request or `kong.response.exit()`.
 * - response: when set, the whole upstream body is buffered; the phase sees status, headers and body.
 * - headerFilter: may change the response status/headers before they are sent.
 * - bodyFilter: runs once with the whole body (`kong.response.getRawBody/setRawBody`); declaring it buffers the response.
 * - log: after the response is sent; errors are only logged.
 */
export type PhaseHandler<C = any> = (kong: Pdk, conf: C) => void | Promise<void>;

export interface PluginHandler<C = any> {
  /** The plugin name, e.g. `key-auth`; equals the folder and the `plugins.name` column. */
  readonly name: string;
  /** Higher runs first (Kong's PRIORITY, e.g. key-auth 1250, rate-limiting 910). */
  readonly priority: number;
  readonly version: string;
  readonly phases: Partial<Record<Phase, PhaseHandler<C>>>;
  /** Called once per snapshot for each plugin entity, before requests use it: precompile config here. */
  readonly configure?: (conf: C, plugin: Row) => C;
}

/** What `registerBundledPlugin` takes: everything a plugin folder exports. */
export interface BundledPlugin<C = any> {
  name: string;
  schema: PluginSchemaDef;
  handler: PluginHandler<C>;
  /** Entities the plugin owns (credentials, ...). Same as `schema.daos`; either place works. */
  entities?: readonly EntityDef[];
  /** Migrations of the plugin's tables (subsystem = plugin name). */
  migrations?: readonly Migration[];
}

// ---------------------------------------------------------------------------------------------
// PDK

export interface PdkRequest {
  getMethod(): string;
  /** Normalized path (Kong's `kong.request.get_path`), no query. */
  getPath(): string;
  /** The path as the client sent it, no query. */
  getRawPath(): string;
  /** Path plus `?query` exactly as sent. */
  getPathWithQuery(): string;
  getRawQuery(): string;
  getQuery(): Query;
  getQueryArg(name: string): QueryValue | undefined;
  /** Header names lower-cased. */
  getHeaders(): Headers;
  /** First value of a header (name case-insensitive; `_` and `-` are equivalent as in Kong). */
  getHeader(name: string): string | undefined;
  /** `http` or `https` (trusting X-Forwarded-Proto only from trusted_ips). */
  getScheme(): string;
  getForwardedScheme(): string;
  /** Host without port, lower-cased. */
  getHost(): string;
  getForwardedHost(): string;
  getPort(): number;
  getForwardedPort(): number;
  getHttpVersion(): number;
  /** Buffers the request body on first call (it is then forwarded from the buffer). */
  getRawBody(): Promise<Buffer>;
  /** Parses JSON, form-urlencoded (and nothing else) by content type; undefined when not parsable. */
  getBody(): Promise<unknown>;
  /** Request start time, ms since the epoch. */
  getStartTime(): number;
  /** The per-request id (X-Kong-Request-Id). */
  getId(): string;
}

export interface PdkClient {
  /** The address after realip processing (`trusted_ips`, `real_ip_header`). */
  getIp(): string;
  /** Kong's get_forwarded_ip: the same as getIp in our realip model. */
  getForwardedIp(): string;
  /** The TCP peer address. */
  getPeerIp(): string;
  getPort(): number;
  getForwardedPort(): number;
  /** Sets the authenticated consumer and/or credential; consumer-scoped plugins are re-resolved. */
  authenticate(consumer: Row | null, credential: Row | null): void;
  getConsumer(): Row | null;
  getCredential(): Row | null;
  /** `http` or `https`. */
  getProtocol(): string;
  /** Client TLS SNI, when the request came over TLS. */
  getSni(): string | undefined;
}

/** Changes to the request sent upstream (kong.service.request). */
export interface PdkServiceRequest {
  setScheme(scheme: 'http' | 'https'): void;
  setMethod(method: string): void;
  /** Replaces the upstream path (already escaped as it should go on the wire). */
  setPath(path: string): void;
  setRawQuery(query: string): void;
  setQuery(args: Query): void;
  setHeader(name: string, value: string | number | string[]): void;
  addHeader(name: string, value: string | number): void;
  clearHeader(name: string): void;
  setHeaders(headers: Headers): void;
  setRawBody(body: string | Buffer): void;
  /** Serialises by the upstream request's content type (JSON or form); JSON when none. */
  setBody(body: unknown, mimeType?: string): void;
}

export interface PdkService {
  readonly request: PdkServiceRequest;
  readonly response: PdkServiceResponse;
  /** Send to this host:port, bypassing the balancer. */
  setTarget(host: string, port: number): void;
  /** Balance over this upstream (by name) instead of the service's host. */
  setUpstream(name: string): boolean;
}

/** The upstream's own answer (kong.service.response), available from headerFilter on. */
export interface PdkServiceResponse {
  getStatus(): number | undefined;
  getHeaders(): Headers;
  getHeader(name: string): string | undefined;
}

export interface PdkResponse {
  /**
   * Ends the request now with this status (Kong's kong.response.exit). A body `{message}`
   * (or any object) is sent as JSON; a string or Buffer as is. Later access-phase plugins
   * do not run; headerFilter/bodyFilter/log still run for plugins that already ran.
   * Throws an internal signal the runner catches: do not catch it in plugin code.
   */
  exit(status: number, body?: unknown, headers?: Headers): never;
  /** Kong's kong.response.error: a Kong-shaped error body chosen by Accept. */
  error(status: number, message?: string, headers?: Headers): never;
  getStatus(): number;
  setStatus(status: number): void;
  getHeader(name: string): string | undefined;
  getHeaders(): Headers;
  setHeader(name: string, value: string | number | string[]): void;
  addHeader(name: string, value: string | number): void;
  clearHeader(name: string): void;
  setHeaders(headers: Headers): void;
  /** `service` when the upstream answered, `exit` when Kong or a plugin did, `error` on a proxy error. */
  getSource(): 'service' | 'exit' | 'error';
  /** The whole response body (headerFilter onward, when buffered: bodyFilter/response phases). */
  getRawBody(): Buffer | undefined;
  setRawBody(body: string | Buffer): void;
}

export interface PdkRouter {
  getRoute(): Row | null;
  getService(): Row | null;
  /** Regex path captures of the matched route (`0` whole, `1..n`, names). */
  getUriCaptures(): Readonly<Record<string, string>>;
}

export interface LogMeasures {
  readonly requestLatency: number;
  /** -1 when no upstream answered. */
  readonly proxyLatency: number;
  readonly kongLatency: number;
  readonly requestSize: number;
  readonly responseSize: number;
}

export interface PdkLog {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  notice(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  err(...args: unknown[]): void;
  crit(...args: unknown[]): void;
  /** Kong's basic log serializer (what http-log/file-log send): a fresh record on every call. */
  serialize(): LogRecord;
  /**
   * The numbers of the log record (latencies in ms, sizes in bytes) without building the record:
   * for metrics plugins, which run on every request.
   */
  measures(): LogMeasures;
  /**
   * Adds a field to `serialize()`'s output (kong.log.set_serialize_value): dotted keys reach into
   * sub-objects; `set` (default) always writes, `add` only when absent, `replace` only when present.
   */
  setSerializeValue(key: string, value: unknown, mode?: 'set' | 'add' | 'replace'): void;
}

/** A per-node cache shared by all requests (kong.cache / ngx.shared dicts). Values are cloned by reference. */
export interface PdkCache {
  get<T = unknown>(key: string): T | undefined;
  /** ttl in seconds; 0 or absent = no expiry. */
  set(key: string, value: unknown, ttl?: number): void;
  /** Atomically adds `delta` (initialised to `init` or 0), returning the new value (rate counters). */
  incr(key: string, delta: number, init?: number, ttl?: number): number;
  delete(key: string): void;
  /** Returns the cached value, or stores the loader's result (ttl seconds). */
  getOrLoad<T>(key: string, ttl: number, loader: () => T | Promise<T>): Promise<T>;
}

/** Read-only view of the configuration snapshot (what the request path may read). */
export interface PdkSnapshot {
  readonly version: string;
  /** By id. */
  get(entity: string, id: string): Row | undefined;
  /** First row whose `field` equals `value` (indexed on first use, per snapshot). */
  find(entity: string, field: string, value: unknown): Row | undefined;
  /** All rows whose `field` equals `value` (e.g. acls of a consumer). */
  findAll(entity: string, field: string, value: unknown): readonly Row[];
  /** Credential lookup, e.g. `findCredential('keyauth_credentials', 'key', value)`. Foreign keys are `{id}` objects. */
  findCredential(entity: string, field: string, value: unknown): Row | undefined;
  getConsumer(idOrUsername: string): Row | undefined;
  all(entity: string): readonly Row[];
}

export interface PdkCtx {
  /** Shared between all plugins for this request (kong.ctx.shared). */
  readonly shared: Record<string, unknown>;
  /** Private to the current plugin for this request (kong.ctx.plugin). */
  readonly plugin: Record<string, unknown>;
}

export interface PdkNginx {
  /** Kong's ngx.ctx-like per-request store for core values (authenticated_groups, ...). */
  readonly ctx: Record<string, unknown>;
}

export interface Pdk {
  readonly request: PdkRequest;
  readonly client: PdkClient;
  readonly service: PdkService;
  readonly response: PdkResponse;
  readonly router: PdkRouter;
  readonly ctx: PdkCtx;
  readonly log: PdkLog;
  readonly nodeId: string;
  readonly cache: PdkCache;
  readonly snapshot: PdkSnapshot;
  /** The datastore for cluster policies (null with database=off). Never read config from it. */
  readonly datastore: Datastore | null;
  /** The node configuration (kong.configuration). */
  readonly configuration: Readonly<Record<string, unknown>>;
  /** The current plugin entity (id, name, instance_name, ...). */
  readonly plugin: { getId(): string; getName(): string };
  readonly nginx: PdkNginx;
}
