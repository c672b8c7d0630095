/**
 * The cache key exactly as Kong's proxy-cache computes it (cache_key.lua), so X-Cache-Key
 * values match Kong's for the same request: sha256 hex of
 * `prefix|method|request-line-without-query|params|headers`.
 */
import { createHash } from 'node:crypto';
import type { Headers, Query, QueryValue } from '../types.js';

export interface CacheKeyInput {
  consumerId?: string | null;
  routeId?: string | null;
  method: string;
  /** nginx's `$request` ("GET /p?a=1 HTTP/1.1"); everything from the first `?` is dropped. */
  requestLine: string;
  query: Query;
  /** Lower-cased names. */
  headers: Headers;
  varyQueryParams?: readonly string[] | null;
  varyHeaders?: readonly string[] | null;
  ignoreUriCase?: boolean;
}

/** nginx `$request`: method, the target as sent, and the protocol (HTTP/2 shows as "HTTP/2.0"). */
export function requestLine(method: string, pathWithQuery: string, httpVersion: number): string {
  return `${method} ${pathWithQuery} HTTP/${httpVersion.toFixed(1)}`;
}

/** consumer:route for authenticated requests, the route alone, else "default". */
export function prefixOf(consumerId?: string | null, routeId?: string | null): string {
  if (consumerId && routeId) return `${consumerId}:${routeId}`;
  if (routeId) return routeId;
  return 'default';
}

function show(v: string | boolean): string {
  return typeof v === 'string' ? v : v ? 'true' : 'false';
}

/** `name=value` pairs joined by `:`; repeated values sorted and joined by `,`; a bare flag is its name. */
export function varyPart(lookup: (name: string) => QueryValue | undefined, fields: readonly string[]): string {
  const parts: string[] = [];
  for (const field of fields) {
    const value = lookup(field);
    if (value === undefined || value === false) continue;
    if (Array.isArray(value)) parts.push(`${field}=${value.map(show).sort().join(',')}`);
    else if (value === true) parts.push(field);
    else parts.push(`${field}=${value}`);
  }
  return parts.join(':');
}

/** Every query arg (names sorted) when no vary list is set, else only the listed ones. */
export function paramsPart(query: Query, vary?: readonly string[] | null): string {
  const fields = vary && vary.length > 0 ? vary : Object.keys(query).sort();
  return varyPart((n) => (Object.prototype.hasOwnProperty.call(query, n) ? query[n] : undefined), fields);
}

/** Nothing unless vary_headers lists headers; names match case-insensitively, `_` as `-` (Kong's header table). */
export function headersPart(headers: Headers, vary?: readonly string[] | null): string {
  if (!vary || vary.length === 0) return '';
  return varyPart((n) => headers[n.toLowerCase().replace(/_/g, '-')], vary);
}

export function composeCacheKeySource(input: CacheKeyInput): string {
  let uri = input.requestLine.replace(/\?.*$/s, '');
  if (input.ignoreUriCase) uri = uri.toLowerCase();
  return [
    prefixOf(input.consumerId, input.routeId),
    input.method,
    uri,
    paramsPart(input.query, input.varyQueryParams),
    headersPart(input.headers, input.varyHeaders),
  ].join('|');
}

export function buildCacheKey(input: CacheKeyInput): string {
  return createHash('sha256').update(composeCacheKeySource(input)).digest('hex');
}
