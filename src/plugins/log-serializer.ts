/**
 * Kong's log record (kong/pdk/log.lua `serialize`, http subsystem): the JSON that http-log,
 * file-log and other loggers emit for each request. The runtime gathers the facts of a
 * request; this module gives them Kong's shape, so every log plugin writes the same record.
 */
import type { Headers, Query, Row } from './types.js';

export interface LogRecord {
  request: {
    id: string;
    uri: string;
    url: string;
    querystring: Query;
    method: string;
    headers: Headers;
    size: number;
    tls?: { version: string; cipher: string; client_verify: string };
  };
  upstream_uri: string;
  upstream_status: string;
  response: { status: number; headers: Headers; size: number };
  latencies: { kong: number; proxy: number; request: number; receive: number };
  tries?: LogTry[];
  authenticated_entity?: { id: string; consumer_id?: string };
  route?: Row;
  service?: Row;
  consumer?: Row;
  client_ip: string;
  started_at: number;
  /** Kong's RESPONSE_SOURCE names: `upstream` when the service answered, else `kong`. */
  source: 'upstream' | 'kong';
  workspace?: string;
  workspace_name?: string;
  [extra: string]: unknown;
}

/** One balancer attempt (Kong's balancer_data.tries). */
export interface LogTry {
  ip: string;
  port: number;
  balancer_start: number;
  balancer_latency: number;
  balancer_start_ns?: number;
  /** Set on attempts that failed, with the status that failure answers (502, 504). */
  state?: 'failed';
  code?: number;
}

/** What the runtime knows about a finished request. */
export interface LogFacts {
  requestId: string;
  scheme: string;
  host: string;
  /** The port the client connected to. */
  serverPort: number;
  /** Path and query as the client sent them. */
  requestUri: string;
  method: string;
  query: Query;
  requestHeaders: Headers;
  /** Bytes received from the client (request line, headers and body). */
  requestSize: number;
  tls?: LogRecord['request']['tls'];
  /** Path and query sent upstream ('' when nothing was proxied). */
  upstreamUri: string;
  upstreamStatus?: number | string;
  status: number;
  responseHeaders: Headers;
  /** Bytes sent to the client. */
  responseSize: number;
  /** ms spent in Kong before proxying (or before a plugin answered). */
  kongLatency?: number;
  /** ms waiting for the upstream's first byte; -1 when not proxied. */
  proxyLatency?: number;
  /** ms from the first byte received to the last byte sent. */
  requestLatency: number;
  /** ms receiving the upstream response. */
  receiveLatency?: number;
  tries?: LogTry[];
  credential?: Row | null;
  consumer?: Row | null;
  route?: Row | null;
  service?: Row | null;
  clientIp: string;
  /** ms since the epoch. */
  startedAt: number;
  /** kong.response.getSource(). */
  source: 'service' | 'exit' | 'error';
  workspaceId?: string;
  workspaceName?: string;
}

const REDACTED_HEADERS = ['authorization', 'proxy-authorization'];

/** Kong never logs credentials sent in these headers. */
export function redactHeaders(headers: Headers): Headers {
  const out: Headers = { ...headers };
  for (const name of REDACTED_HEADERS) if (out[name] !== undefined) out[name] = 'REDACTED';
  return out;
}

/**
 * Kong appends the client's query to upstream_uri when the upstream path has none and the
 * client sent one (a bare trailing `?` included).
 */
export function upstreamUriWithArgs(upstreamUri: string, requestUri: string): string {
  if (upstreamUri === '' || upstreamUri.includes('?')) return upstreamUri;
  const q = requestUri.indexOf('?');
  if (q < 0) return upstreamUri;
  return `${upstreamUri}?${requestUri.slice(q + 1)}`;
}

/**
 * Kong hands every log plugin its own deep copy of route, service and consumer. Copying them
 * costs more than the rest of the record, and most readers (metrics) never look at them, so
 * the copy is made on first read; assigning replaces it as with a plain property.
 */
function defineCopyOnRead(record: LogRecord, key: 'route' | 'service' | 'consumer', row: Row): void {
  let copied: Row | undefined;
  let done = false;
  Object.defineProperty(record, key, {
    enumerable: true,
    configurable: true,
    get() {
      if (!done) {
        copied = structuredClone(row) as Row;
        done = true;
      }
      return copied;
    },
    set(value: Row | undefined) {
      Object.defineProperty(record, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

export function buildLogRecord(f: LogFacts): LogRecord {
  const url = `${f.scheme}://${f.host}:${f.serverPort}${f.requestUri}`;
  const credential = f.credential ?? undefined;
  const record: LogRecord = {
    request: {
      id: f.requestId,
      uri: f.requestUri,
      url,
      querystring: f.query,
      method: f.method,
      headers: redactHeaders(f.requestHeaders),
      size: f.requestSize,
      ...(f.tls ? { tls: f.tls } : {}),
    },
    upstream_uri: upstreamUriWithArgs(f.upstreamUri, f.requestUri),
    upstream_status: f.upstreamStatus === undefined ? '' : String(f.upstreamStatus),
    response: { status: f.status, headers: f.responseHeaders, size: f.responseSize },
    latencies: {
      kong: f.kongLatency ?? 0,
      proxy: f.proxyLatency ?? -1,
      request: f.requestLatency,
      receive: f.receiveLatency ?? 0,
    },
    client_ip: f.clientIp,
    started_at: f.startedAt,
    source: f.source === 'service' ? 'upstream' : 'kong',
  };
  if (f.tries) record.tries = f.tries;
  if (credential) {
    const consumerId = (credential.consumer as { id?: string } | undefined)?.id ?? (credential.consumer_id as string | undefined) ?? (f.consumer?.id as string | undefined);
    record.authenticated_entity = { id: String(credential.id), ...(consumerId ? { consumer_id: consumerId } : {}) };
  }
  if (f.route) defineCopyOnRead(record, 'route', f.route);
  if (f.service) defineCopyOnRead(record, 'service', f.service);
  if (f.consumer) defineCopyOnRead(record, 'consumer', f.consumer);
  if (f.workspaceId) record.workspace = f.workspaceId;
  if (f.workspaceName) record.workspace_name = f.workspaceName;
  return record;
}

export type SerializeMode = 'set' | 'add' | 'replace';

/**
 * kong.log.set_serialize_value applied to a record: dotted keys reach into sub-objects
 * (`\.` is a literal dot); `set` always writes, `add` only when absent, `replace` only when
 * present. Missing intermediate objects are created except for `replace`.
 */
export function applySerializeValue(root: Record<string, unknown>, key: string, value: unknown, mode: SerializeMode = 'set'): void {
  const parts = splitKey(key);
  let node: Record<string, unknown> = root;
  for (const sub of parts.slice(0, -1)) {
    const next = node[sub];
    if (next === undefined || next === null) {
      if (mode === 'replace') return;
      node[sub] = {};
    } else if (typeof next !== 'object') {
      throw new Error(`The key '${key}' could not be used as a serialize value. Subkey '${sub}' is not a table. It's ${String(next)}`);
    }
    node = node[sub] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  const exists = node[last] !== undefined;
  if (mode === 'set' || (mode === 'add' && !exists) || (mode === 'replace' && exists)) node[last] = value;
}

function splitKey(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '.' && i > 0 && key[i - 1] !== '\\') {
      parts.push(cur);
      cur = '';
    } else cur += key[i];
  }
  parts.push(cur);
  return parts.map((p) => p.replace(/\\\./g, '.'));
}
