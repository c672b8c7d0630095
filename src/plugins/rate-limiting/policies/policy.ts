import type { Period } from '../periods.js';

/** One counter to bump for this request: one per configured period. */
export interface CounterSpec {
  period: Period;
  /** Window start, ms since the epoch. */
  windowStart: number;
  limit: number;
  /** Seconds the counter must live. */
  ttl: number;
}

export interface CountScope {
  routeId: string;
  serviceId: string;
  identifier: string;
}

/**
 * Every policy increments first and decides on the returned values, atomically per store, so
 * with limit N exactly N requests pass per window whatever the concurrency. A request over any
 * limit is taken back out of every counter (Kong does not count refused requests).
 * Returns the counts including this request (before any take-back).
 */
export interface CounterPolicy {
  increment(scope: CountScope, counters: readonly CounterSpec[]): Promise<Map<Period, number>> | Map<Period, number>;
}

export const EMPTY_UUID = '00000000-0000-0000-0000-000000000000';

/** Kong's counter key: ratelimit:<route>:<service>:<identifier>:<window start>:<period>. */
export function counterKey(scope: CountScope, spec: CounterSpec): string {
  return `ratelimit:${scope.routeId}:${scope.serviceId}:${scope.identifier}:${spec.windowStart}:${spec.period}`;
}

export function isOver(counts: Map<Period, number>, counters: readonly CounterSpec[]): boolean {
  return counters.some((c) => (counts.get(c.period) ?? 0) > c.limit);
}
