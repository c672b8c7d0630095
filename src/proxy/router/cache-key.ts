/**
 * The match-cache key: every request input that can change the result, and only those (Kong's
 * router cache regression specs: headers must be part of the key when routes use them).
 * Header values are lower-cased and sorted because matching ignores their case and order.
 */
import type { CompiledRoute } from './compile-route.js';
import type { RouterRequest } from './types.js';

// Separators that cannot occur in a method, Host, header value or raw request path.
const FIELD = '\u0000';
const VALUE = '\u0001';
const ABSENT = '\u0002';

export interface CacheKeyPlan {
  headerNames: string[];
  usesSni: boolean;
  /** Some host entry names a port, so the listener port matters when the Host header has none. */
  usesPort: boolean;
}

export function planCacheKey(routes: readonly CompiledRoute[]): CacheKeyPlan {
  const headerNames = new Set<string>();
  let usesSni = false;
  let usesPort = false;
  for (const route of routes) {
    for (const condition of route.headers ?? []) headerNames.add(condition.name);
    if (route.snis) usesSni = true;
    if (route.hosts && !usesPort) for (const h of route.hosts) if (h.port !== null) usesPort = true;
  }
  return { headerNames: [...headerNames].sort(), usesSni, usesPort };
}

function headerPart(raw: string | string[] | undefined): string {
  if (raw === undefined) return ABSENT;
  if (!Array.isArray(raw)) return raw.toLowerCase();
  return raw.map((v) => v.toLowerCase()).sort().join(VALUE);
}

export function cacheKey(plan: CacheKeyPlan, req: RouterRequest): string {
  let key = req.method + FIELD + req.scheme + FIELD + req.host + FIELD + req.rawPath;
  if (plan.usesPort) key += FIELD + req.port;
  if (plan.usesSni) key += FIELD + (req.sni ?? ABSENT);
  for (const name of plan.headerNames) key += FIELD + headerPart(req.headers[name]);
  return key;
}
