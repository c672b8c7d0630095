/**
 * Route priority of traditional_compatible (Kong `transform.lua` get_priority, spec §3.3).
 * Kong packs these into one 64-bit integer; comparing the parts in order gives the same result.
 */
import { isRegexPath } from './regex.js';
import type { RouteInput } from './types.js';

const MAX_HEADER_COUNT = 255;
// Kong keeps 19 bits for the prefix length.
const MAX_PREFIX_LENGTH = 0x7ffff;

export interface RoutePriority {
  /** How many of methods, hosts, headers, paths, snis, sources, destinations are set. */
  matchWeight: number;
  /** hosts is set and no entry contains '*'. */
  plainHostsOnly: boolean;
  headerCount: number;
  regex: boolean;
  /** route.regex_priority for regex paths, 0 otherwise. */
  regexPriority: number;
  /** Byte length of the (single-length) prefix paths, 0 for regex or no paths. */
  prefixLength: number;
}

function isSet(value: unknown[] | Record<string, unknown> | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  return Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0;
}

/** `paths` is the route's path group after splitting: all regexes, or prefixes of one length. */
export function routePriority(route: RouteInput, paths: readonly string[] | null): RoutePriority {
  let matchWeight = 0;
  for (const field of [route.sources, route.destinations, route.methods, route.hosts, route.headers, route.snis]) {
    if (isSet(field)) matchWeight++;
  }
  const hasPaths = paths !== null && paths.length > 0;
  if (hasPaths) matchWeight++;

  // Kong tests only that hosts is an array, so an empty array also counts as "plain hosts only".
  const hosts = route.hosts;
  const plainHostsOnly = Array.isArray(hosts) && hosts.every((h) => !h.includes('*'));

  const headerCount = Math.min(route.headers ? Object.keys(route.headers).length : 0, MAX_HEADER_COUNT);
  const regex = hasPaths && isRegexPath(paths[0]);
  const prefixLength = hasPaths && !regex ? Math.min(Buffer.byteLength(paths[0], 'utf8'), MAX_PREFIX_LENGTH) : 0;

  return {
    matchWeight,
    plainHostsOnly,
    headerCount,
    regex,
    regexPriority: regex ? route.regex_priority ?? 0 : 0,
    prefixLength,
  };
}

/** Negative when `a` must be tried before `b`: higher priority first, then the higher UUID. */
export function compareForEvaluation(a: { priority: RoutePriority; id: string }, b: { priority: RoutePriority; id: string }): number {
  const pa = a.priority;
  const pb = b.priority;
  return (
    pb.matchWeight - pa.matchWeight ||
    Number(pb.plainHostsOnly) - Number(pa.plainHostsOnly) ||
    pb.headerCount - pa.headerCount ||
    Number(pb.regex) - Number(pa.regex) ||
    pb.regexPriority - pa.regexPriority ||
    pb.prefixLength - pa.prefixLength ||
    // atc-router keeps matchers in a map ordered by (priority, uuid) and walks it backwards.
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}
