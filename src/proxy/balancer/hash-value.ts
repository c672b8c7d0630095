import { randomUUID } from 'node:crypto';
import type { HashOn, PickContext, Upstream } from './types.js';

export interface HashInput {
  /** The string hashed onto the ring; "" when neither hash_on nor hash_fallback yields a value (as in Kong). */
  value: string;
  /** Set-Cookie value to send when hashing on a cookie the client lacks. */
  setCookie?: string;
}

/**
 * Kong's get_value_to_hash (runloop/balancer/init.lua): try hash_on, then hash_fallback.
 * An empty string counts as a value (Lua treats "" as true); only an absent one falls back.
 */
export function hashInput(upstream: Upstream, ctx: PickContext): HashInput {
  const first = valueFor(upstream.hash_on, 'on', upstream, ctx);
  if (first) return first;
  if (upstream.hash_on === 'none') return { value: '' };
  return valueFor(upstream.hash_fallback, 'fallback', upstream, ctx) ?? { value: '' };
}

function valueFor(mode: HashOn, which: 'on' | 'fallback', u: Upstream, ctx: PickContext): HashInput | undefined {
  switch (mode) {
    case 'none':
      return undefined;
    case 'consumer':
      return wrap(ctx.consumerId);
    case 'ip':
      return wrap(ctx.clientIp);
    case 'header':
      return wrap(headerValue(ctx.headers, which === 'on' ? u.hash_on_header : u.hash_fallback_header));
    case 'cookie':
      return cookieValue(u, ctx);
    case 'path':
      return wrap(ctx.path);
    case 'query_arg':
      return wrap(queryValue(ctx.query, which === 'on' ? u.hash_on_query_arg : u.hash_fallback_query_arg));
    case 'uri_capture': {
      const name = which === 'on' ? u.hash_on_uri_capture : u.hash_fallback_uri_capture;
      return wrap(name ? ctx.uriCaptures?.[name] : undefined);
    }
  }
}

function wrap(value: string | undefined): HashInput | undefined {
  return value === undefined ? undefined : { value };
}

/** nginx's $http_<name>: case-insensitive, repeated headers joined with ", ". */
function headerValue(headers: PickContext['headers'], name: string | null): string | undefined {
  if (!name) return undefined;
  const wanted = name.toLowerCase();
  let raw = headers[wanted];
  if (raw === undefined) {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === wanted) {
        raw = value;
        break;
      }
    }
  }
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? raw.join(', ') : raw;
}

/** Kong normalises multi-valued query args by sorting them and joining with ",". */
function queryValue(query: URLSearchParams, name: string | null): string | undefined {
  if (!name) return undefined;
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : [...values].sort().join(',');
}

/** When the cookie is missing Kong invents a UUID and asks the proxy to set it on the response. */
function cookieValue(u: Upstream, ctx: PickContext): HashInput {
  const name = u.hash_on_cookie ?? '';
  const existing = ctx.cookies?.[name] ?? cookieFromHeader(ctx.headers, name);
  if (existing !== undefined) return { value: existing };
  const value = randomUUID();
  // Kong writes "Same-Site" with a dash (init.lua set_cookie); kept for byte compatibility.
  return { value, setCookie: `${name}=${value}; Path=${u.hash_on_cookie_path || '/'}; Same-Site=Lax; HttpOnly` };
}

function cookieFromHeader(headers: PickContext['headers'], name: string): string | undefined {
  const header = headerValue(headers, 'cookie');
  if (!header || !name) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
