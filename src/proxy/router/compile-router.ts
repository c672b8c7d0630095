/**
 * Builds the router of one config snapshot: filter the routes the http subsystem serves, split
 * them by path group, compile, order by traditional_compatible priority, index, and answer
 * matches through a bounded cache.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import { cacheKey, planCacheKey } from './cache-key.js';
import { compileRoute, testRoute, type CompiledRoute, type MatchContext, type RouteHit } from './compile-route.js';
import { escapeUpstreamPath } from './escape-path.js';
import { splitHostPort } from './host-port.js';
import { LruCache } from './lru-cache.js';
import { normalizeRequestPath } from './normalize-path.js';
import { compareForEvaluation } from './priority.js';
import { RouteIndex } from './route-index.js';
import { splitByPathGroup } from './split-routes.js';
import type { RouteInput, RouteMatch, Router, RouterOptions, RouterRequest, RouteSkip, ServiceInput } from './types.js';
import { buildUpstreamPath } from './upstream-path.js';

// Protocols of Kong's http subsystem; tcp/tls/udp routes belong to the stream router.
const HTTP_PROTOCOLS = new Set(['http', 'https', 'grpc', 'grpcs']);

// Kong sizes its match cache at 5000 entries per 5000 routes, capped at 20 times that.
const CACHE_STEP = 5000;

function defaultCacheSize(routeCount: number): number {
  return Math.min(Math.ceil(Math.max(routeCount / CACHE_STEP, 1)) * CACHE_STEP, CACHE_STEP * 20);
}

function serviceOf(route: RouteInput, services: ReadonlyMap<string, ServiceInput>): ServiceInput | null {
  const ref = route.service;
  if (!ref) return null;
  const service = services.get(ref.id);
  if (!service) {
    // Kong refuses to build a router in this case and keeps the previous one.
    throw new GatewayError(
      ErrorCode.INTERNAL,
      `could not build the router: route '${route.id}' references service '${ref.id}', which is not in the configuration snapshot`,
      { hint: 'rebuild the configuration snapshot from a consistent datastore or declarative file' },
    );
  }
  return service;
}

/** A route's compiled parts, or why it cannot compile; its rank is set per router. */
type RouteCompilation = { parts: CompiledRoute[] } | { error: string };

/*
 * Snapshots share frozen route and service objects between rebuilds, so a route that did not
 * change (same object, same service object) is not compiled again: a rebuild after one Admin
 * write recompiles one route and re-sorts, instead of compiling every regex anew.
 */
/** The shared parts of each router in evaluation order, for the next router built from it. */
const evaluationOrders = new WeakMap<Router, readonly CompiledRoute[]>();

const compilations = new WeakMap<RouteInput, { service: ServiceInput | null; result: RouteCompilation }>();

function compileParts(route: RouteInput, service: ServiceInput | null): RouteCompilation {
  const reusable = Object.isFrozen(route) && (service === null || Object.isFrozen(service));
  if (reusable) {
    const cached = compilations.get(route);
    if (cached && cached.service === service) return cached.result;
  }
  let result: RouteCompilation;
  try {
    result = { parts: splitByPathGroup(route).map((group) => compileRoute(group.id, route, service, group.paths)) };
  } catch (err) {
    result = { error: err instanceof Error ? err.message : String(err) };
  }
  if (reusable) compilations.set(route, { service, result });
  return result;
}

/** Merges two lists already in evaluation order. */
function mergeSorted(a: readonly CompiledRoute[], b: readonly CompiledRoute[]): CompiledRoute[] {
  const out = new Array<CompiledRoute>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareForEvaluation(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/**
 * Every compiled part in evaluation order. With the previous router's order, the parts kept
 * from it stay in that order and only the new ones are sorted and merged in.
 */
function compileAll(
  routes: readonly RouteInput[],
  services: ReadonlyMap<string, ServiceInput>,
  skipped: RouteSkip[],
  previousOrder: readonly CompiledRoute[] | undefined,
): CompiledRoute[] {
  const parts: CompiledRoute[] = [];
  for (const route of routes) {
    if (!route.protocols.some((p) => HTTP_PROTOCOLS.has(p))) continue;
    const service = serviceOf(route, services);
    if (service && service.enabled === false) continue;
    const result = compileParts(route, service);
    // A route whose regex cannot compile is left out entirely, as Kong drops a route whose expression fails.
    if ('error' in result) skipped.push({ routeId: route.id, reason: result.error });
    else for (const part of result.parts) parts.push(part);
  }
  if (!previousOrder) return parts.sort(compareForEvaluation);
  const current = new Set(parts);
  const before = new Set(previousOrder);
  const kept = previousOrder.filter((part) => current.has(part));
  const added = parts.filter((part) => !before.has(part)).sort(compareForEvaluation);
  return mergeSorted(kept, added);
}

function onlyHttps(route: RouteInput): boolean {
  return route.protocols.includes('https') && !route.protocols.includes('http');
}

function buildMatch(compiled: CompiledRoute, hit: RouteHit, req: RouterRequest, path: string, options: RouterOptions): RouteMatch {
  const { route, service } = compiled;
  const prefix = route.strip_path && hit.matchedText !== undefined ? hit.matchedText : undefined;
  const upstreamPath = buildUpstreamPath({
    base: service?.path ?? '/',
    requestPath: path,
    prefix: prefix ?? '/',
    stripPath: route.strip_path,
    pathHandling: options.honourPathHandlingV1 && route.path_handling === 'v1' ? 'v1' : 'v0',
  });
  const match: RouteMatch = {
    route,
    service,
    normalizedPath: path,
    upstreamPath,
    upstreamPathEscaped: escapeUpstreamPath(upstreamPath),
    upstreamHost: route.preserve_host && req.host !== '' ? req.host : null,
  };
  if (hit.matchedPath !== undefined) match.matchedPath = hit.matchedPath;
  if (hit.uriCaptures) match.uriCaptures = Object.freeze(hit.uriCaptures);
  if (hit.matchedHost !== undefined) match.matchedHost = hit.matchedHost;
  if (prefix !== undefined) match.prefix = prefix;
  if (req.scheme === 'http' && onlyHttps(route)) match.redirect = Object.freeze({ status: route.https_redirect_status_code });
  return Object.freeze(match);
}

export function compileRouter(
  routes: readonly RouteInput[],
  services: ReadonlyMap<string, ServiceInput>,
  options: RouterOptions = {},
): Router {
  const skipped: RouteSkip[] = [];
  const order = compileAll(routes, services, skipped, options.previous ? evaluationOrders.get(options.previous) : undefined);
  // Each router ranks its own copies: the shared parts stay untouched for the router still serving.
  const compiled = order.map((part, rank) => ({ ...part, rank }));
  const index = new RouteIndex(compiled);
  const plan = planCacheKey(compiled);
  const cache = new LruCache<string, RouteMatch | false>(options.cacheSize ?? defaultCacheSize(compiled.length));

  function findMatch(req: RouterRequest): RouteMatch | null {
    const path = normalizeRequestPath(req.rawPath);
    if (path === null) return null;
    const { host, port } = splitHostPort(req.host);
    const ctx: MatchContext = {
      method: req.method,
      scheme: req.scheme,
      hostName: host.toLowerCase(),
      port: port ?? req.port,
      headers: req.headers,
      sni: req.sni,
      path,
    };
    for (const candidate of index.candidates(ctx.hostName, path)) {
      const hit = testRoute(candidate, ctx);
      if (hit) return buildMatch(candidate, hit, req, path, options);
    }
    return null;
  }

  const router: Router = {
    skipped,
    size: compiled.length,
    match(req: RouterRequest): RouteMatch | null {
      const key = cacheKey(plan, req);
      const cached = cache.get(key);
      if (cached !== undefined) return cached === false ? null : cached;
      const result = findMatch(req);
      cache.set(key, result ?? false);
      return result;
    },
  };
  evaluationOrders.set(router, order);
  return router;
}
