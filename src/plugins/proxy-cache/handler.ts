/**
 * proxy-cache (Kong's kong/plugins/proxy-cache/handler.lua, priority 100): serves cacheable
 * responses from memory without contacting the upstream; X-Cache-Status tells Miss, Hit,
 * Refresh or Bypass and X-Cache-Key the key Kong would compute.
 */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Headers, Pdk, PluginHandler, Row } from '../types.js';
import { buildCacheKey, requestLine } from './cache-key.js';
import { type Directives, numeric, parseDirectives, resourceTtl } from './cache-control.js';
import type { CachedResponse } from './memory-store.js';
import { type MediaType, mediaTypeMatches, parseMediaType } from './mime-type.js';
import { nodeStore, rememberPluginDictionary } from './node-stores.js';
import type { ProxyCacheConfig } from './schema.js';

/** Kong stores this version in each entry and purges entries of another version. */
export const CACHE_VERSION = 1;

/** Never replayed from cache: hop-by-hop headers (RFC 2616 13.5.1) and the length we recompute. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers', 'transfer-encoding', 'upgrade', 'content-length']);

interface Compiled extends ProxyCacheConfig {
  readonly _methods: ReadonlySet<string>;
  readonly _codes: ReadonlySet<number>;
  readonly _types: readonly MediaType[];
}

/** What the access phase leaves for the filters when the response should be stored. */
interface PendingStore {
  key: string;
  headers?: Record<string, string | string[]>;
  ttl?: number;
  reqBody?: string;
}

const PLUGIN_STATE = 'proxy_cache';

function overwritable(name: string): boolean {
  const lower = name.toLowerCase();
  return !HOP_BY_HOP.has(lower) && !lower.includes('ratelimit-remaining');
}

/** Kong sets its diagnostic headers when configured to, or always when the client sends Kong-Debug. */
function wantsHeader(kong: Pdk, conf: Compiled, name: 'age' | 'X-Cache-Status' | 'X-Cache-Key'): boolean {
  return conf.response_headers?.[name] !== false || kong.request.getHeader('kong-debug') !== undefined;
}

function setDiagnostic(kong: Pdk, conf: Compiled, name: 'X-Cache-Status' | 'X-Cache-Key', value: string): void {
  if (wantsHeader(kong, conf, name)) kong.response.setHeader(name, value);
}

function cacheableRequest(kong: Pdk, conf: Compiled, cc: Directives): boolean {
  if (!conf._methods.has(kong.request.getMethod())) return false;
  // Kong treats no-cache like no-store here, and never caches requests carrying credentials.
  if (conf.cache_control && (cc['no-store'] || cc['no-cache'] || kong.request.getHeader('authorization') !== undefined)) return false;
  return true;
}

function cacheableResponse(kong: Pdk, conf: Compiled, cc: Directives, nowMs: number): boolean {
  if (!conf._codes.has(kong.response.getStatus())) return false;
  const headers = kong.response.getHeaders();
  const contentType = headers['content-type'];
  if (contentType === undefined || Array.isArray(contentType) || contentType === '') return false;
  const actual = parseMediaType(contentType);
  if (!actual || !conf._types.some((expected) => mediaTypeMatches(expected, actual))) return false;
  if (conf.cache_control) {
    if (cc.private || cc['no-store'] || cc['no-cache']) return false;
    if (resourceTtl(cc, headers.expires, nowMs) <= 0) return false;
  }
  return true;
}

function signalStore(kong: Pdk, conf: Compiled, key: string, status: 'Miss' | 'Refresh' | 'Bypass', reqBody?: string): void {
  const pending: PendingStore = { key, reqBody };
  kong.ctx.plugin[PLUGIN_STATE] = pending;
  setDiagnostic(kong, conf, 'X-Cache-Status', status);
}

function replayHeaders(kong: Pdk, conf: Compiled, entry: CachedResponse, key: string, nowMs: number): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(entry.headers)) {
    const lower = name.toLowerCase();
    if (!overwritable(name) || lower === 'age' || lower === 'x-cache-status' || lower === 'x-cache-key') continue;
    out[name] = value;
  }
  const storedAt = entry.storedAtMs ?? entry.timestamp * 1000;
  if (wantsHeader(kong, conf, 'age')) out.Age = String(Math.floor((nowMs - storedAt) / 1000));
  if (wantsHeader(kong, conf, 'X-Cache-Status')) out['X-Cache-Status'] = 'Hit';
  if (wantsHeader(kong, conf, 'X-Cache-Key')) out['X-Cache-Key'] = key;
  return out;
}

/** Whether the stored entry may still be served, seen from the client's and the plugin's rules. */
function fresh(conf: Compiled, cc: Directives, entry: CachedResponse, nowMs: number): boolean {
  const age = (nowMs - (entry.storedAtMs ?? entry.timestamp * 1000)) / 1000;
  if (!conf.cache_control) return age <= conf.cache_ttl;
  const maxAge = numeric(cc, 'max-age');
  if (maxAge !== undefined && age > maxAge) return false;
  const maxStale = numeric(cc, 'max-stale');
  if (maxStale !== undefined && age - entry.ttl > maxStale) return false;
  const minFresh = numeric(cc, 'min-fresh');
  if (minFresh !== undefined && entry.ttl - age < minFresh) return false;
  return true;
}

async function access(kong: Pdk, conf: Compiled): Promise<void> {
  const cc = parseDirectives(kong.request.getHeader('cache-control'));
  if (!cacheableRequest(kong, conf, cc)) {
    setDiagnostic(kong, conf, 'X-Cache-Status', 'Bypass');
    return;
  }
  const method = kong.request.getMethod();
  const key = buildCacheKey({
    consumerId: kong.client.getConsumer()?.id as string | undefined,
    routeId: kong.router.getRoute()?.id as string | undefined,
    method,
    requestLine: requestLine(method, kong.request.getPathWithQuery(), kong.request.getHttpVersion()),
    query: kong.request.getQuery(),
    headers: kong.request.getHeaders(),
    varyQueryParams: conf.vary_query_params,
    varyHeaders: conf.vary_headers,
    ignoreUriCase: conf.ignore_uri_case,
  });
  setDiagnostic(kong, conf, 'X-Cache-Key', key);

  const area = nodeStore(kong.nodeId).area(conf.memory.dictionary_name);
  const entry = area.get(key);
  const nowMs = Date.now();
  if (!entry) {
    // RFC 7234 5.2.1.7: the client wants only cached data and there is none.
    if (conf.cache_control && cc['only-if-cached']) kong.response.exit(504);
    const body = await kong.request.getRawBody();
    signalStore(kong, conf, key, 'Miss', body.length > 0 ? body.toString('utf8') : undefined);
    return;
  }
  if (entry.version !== CACHE_VERSION) {
    area.delete(key);
    signalStore(kong, conf, key, 'Bypass');
    return;
  }
  if (!fresh(conf, cc, entry, nowMs)) {
    signalStore(kong, conf, key, 'Refresh');
    return;
  }
  // Logging plugins see what was served (Kong: kong.ctx.shared.proxy_cache_hit).
  kong.ctx.shared.proxy_cache_hit = { res: entry, req: { body: entry.req_body } };
  kong.response.exit(entry.status, entry.raw ?? entry.body, replayHeaders(kong, conf, entry, key, nowMs));
}

function headerFilter(kong: Pdk, conf: Compiled): void {
  const pending = kong.ctx.plugin[PLUGIN_STATE] as PendingStore | undefined;
  // Not cacheable, or served from cache: nothing to store.
  if (!pending) return;
  const headers = kong.response.getHeaders();
  const cc = parseDirectives(headers['cache-control']);
  const nowMs = Date.now();
  if (cacheableResponse(kong, conf, cc, nowMs)) {
    pending.headers = { ...headers };
    pending.ttl = conf.cache_control ? resourceTtl(cc, headers.expires, nowMs) : conf.cache_ttl;
  } else {
    setDiagnostic(kong, conf, 'X-Cache-Status', 'Bypass');
    delete kong.ctx.plugin[PLUGIN_STATE];
  }
}

function bodyFilter(kong: Pdk, conf: Compiled): void {
  const pending = kong.ctx.plugin[PLUGIN_STATE] as PendingStore | undefined;
  if (!pending?.headers) return;
  const raw = kong.response.getRawBody() ?? Buffer.alloc(0);
  const nowMs = Date.now();
  const ttl = pending.ttl ?? conf.cache_ttl;
  const entry: CachedResponse = {
    status: kong.response.getStatus(),
    headers: pending.headers,
    body: raw.toString('utf8'),
    body_len: raw.length,
    timestamp: Math.floor(nowMs / 1000),
    ttl,
    version: CACHE_VERSION,
    req_body: pending.reqBody,
    raw: Buffer.from(raw),
    storedAtMs: nowMs,
  };
  const storageTtl = conf.storage_ttl ?? (conf.cache_control ? ttl : conf.cache_ttl);
  const stored = nodeStore(kong.nodeId).area(conf.memory.dictionary_name).set(pending.key, entry, storageTtl);
  if (!stored) kong.log.warn('response of ', raw.length, ' bytes is larger than mem_cache_size; not cached');
}

function configure(conf: ProxyCacheConfig, plugin: Row): Compiled {
  if (plugin?.id) rememberPluginDictionary(String(plugin.id), conf.memory.dictionary_name);
  return {
    ...conf,
    _methods: new Set(conf.request_method),
    _codes: new Set(conf.response_code),
    _types: conf.content_type.map((c) => parseMediaType(c)).filter((m): m is MediaType => m !== undefined),
  };
}

export const proxyCacheHandler: PluginHandler<Compiled> = {
  name: 'proxy-cache',
  priority: 100,
  version: KONG_COMPAT_VERSION,
  configure: configure as unknown as PluginHandler<Compiled>['configure'],
  phases: { access, headerFilter, bodyFilter },
};
