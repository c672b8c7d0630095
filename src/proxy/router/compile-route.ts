/**
 * One virtual route (a route, or one path group of a split route) compiled into matchers, and
 * the per-request test of every configured field (spec §3.2: all set fields must match).
 */
import { compileHostPattern, compileSniPattern, patternMatches, type HostPattern } from './host-pattern.js';
import { routePriority, type RoutePriority } from './priority.js';
import { capturesOf, compileHeaderRegex, compilePathRegex, isHeaderRegex, isRegexPath } from './regex.js';
import type { RouteInput, ServiceInput } from './types.js';

interface HeaderCondition {
  /** Lower-case, with '_' read as '-' (nginx exposes header names that way). */
  name: string;
  values: Set<string>;
  regexes: RegExp[];
}

export interface CompiledRoute {
  /** Ordering id: the route id, or a derived UUIDv5 for a split part. */
  id: string;
  route: RouteInput;
  service: ServiceInput | null;
  priority: RoutePriority;
  /** Position in evaluation order, set once all routes are sorted. */
  rank: number;
  methods: Set<string> | null;
  hosts: HostPattern[] | null;
  headers: HeaderCondition[] | null;
  snis: HostPattern[] | null;
  prefixes: string[] | null;
  regexes: { path: string; regex: RegExp }[] | null;
}

/** The request as the matchers read it, computed once per request. */
export interface MatchContext {
  method: string;
  scheme: 'http' | 'https';
  /** Host without port, lower-cased. */
  hostName: string;
  /** The Host header's port, else the listener port. */
  port: number;
  headers: Record<string, string | string[] | undefined>;
  sni: string | undefined;
  path: string;
}

export interface PathHit {
  matchedPath?: string;
  /** The matched text: the prefix itself, or a regex's whole match. */
  matchedText?: string;
  uriCaptures?: Record<string, string>;
}

export function normalizeHeaderName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

function nonEmpty<T>(list: readonly T[] | null | undefined): list is readonly T[] {
  return Array.isArray(list) && list.length > 0;
}

/** Throws a SyntaxError when a path or header regex does not compile. */
export function compileRoute(id: string, route: RouteInput, service: ServiceInput | null, paths: string[] | null): CompiledRoute {
  const headerEntries = route.headers ? Object.entries(route.headers) : [];
  const regexPaths = paths?.filter(isRegexPath) ?? [];
  const prefixPaths = paths?.filter((p) => !isRegexPath(p)) ?? [];
  return {
    id,
    route,
    service,
    priority: routePriority(route, paths),
    rank: -1,
    methods: nonEmpty(route.methods) ? new Set(route.methods) : null,
    hosts: nonEmpty(route.hosts) ? route.hosts.map(compileHostPattern) : null,
    headers:
      headerEntries.length > 0
        ? headerEntries.map(([name, values]) => ({
            name: normalizeHeaderName(name),
            values: new Set(values.filter((v) => !isHeaderRegex(v)).map((v) => v.toLowerCase())),
            regexes: values.filter(isHeaderRegex).map(compileHeaderRegex),
          }))
        : null,
    snis: nonEmpty(route.snis) ? route.snis.map(compileSniPattern) : null,
    prefixes: prefixPaths.length > 0 ? prefixPaths : null,
    regexes: regexPaths.length > 0 ? regexPaths.map((path) => ({ path, regex: compilePathRegex(path) })) : null,
  };
}

function headerMatches(condition: HeaderCondition, raw: string | string[] | undefined): boolean {
  if (raw === undefined) return false;
  const lines = Array.isArray(raw) ? raw : [raw];
  for (const line of lines) {
    const value = line.toLowerCase();
    if (condition.values.has(value)) return true;
    for (const regex of condition.regexes) if (regex.test(value)) return true;
  }
  return false;
}

function matchPath(route: CompiledRoute, path: string): PathHit | null {
  if (route.prefixes) {
    for (const prefix of route.prefixes) {
      if (path.startsWith(prefix)) return { matchedPath: prefix, matchedText: prefix };
    }
    return null;
  }
  if (route.regexes) {
    for (const { path: configured, regex } of route.regexes) {
      const m = regex.exec(path);
      if (m) return { matchedPath: configured, matchedText: m[0], uriCaptures: capturesOf(m) };
    }
    return null;
  }
  return {};
}

export interface RouteHit extends PathHit {
  matchedHost?: string;
}

/** The match details when every configured field matches, else null. */
export function testRoute(route: CompiledRoute, ctx: MatchContext): RouteHit | null {
  if (route.methods && !route.methods.has(ctx.method)) return null;

  let matchedHost: string | undefined;
  if (route.hosts) {
    const hit = route.hosts.find((p) => patternMatches(p, ctx.hostName, ctx.port));
    if (!hit) return null;
    matchedHost = hit.entry;
  }

  if (route.headers) {
    for (const condition of route.headers) {
      if (!headerMatches(condition, ctx.headers[condition.name])) return null;
    }
  }

  // SNIs only constrain TLS requests: on plain http the condition is skipped (Kong #6425).
  if (route.snis && ctx.scheme === 'https') {
    const sni = ctx.sni?.toLowerCase();
    if (sni === undefined || !route.snis.some((p) => patternMatches(p, sni, null))) return null;
  }

  const pathHit = matchPath(route, ctx.path);
  if (!pathHit) return null;
  return matchedHost === undefined ? pathHit : { ...pathHit, matchedHost };
}
