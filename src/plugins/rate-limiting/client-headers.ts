import { capitalized, EXPIRATION, secondsToReset, type Period } from './periods.js';
import type { CounterSpec } from './policies/policy.js';

/**
 * The headers Kong sends (handler.lua): per period `X-RateLimit-Limit-<P>` and
 * `X-RateLimit-Remaining-<P>`, and for the most constrained period (least remaining, the
 * longer window on a tie) `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`.
 * `counts` include this request. On a refusal the periods still under their limit show what
 * is left without this request (it is not counted), and `Retry-After` is added.
 */
export function rateLimitHeaders(counters: readonly CounterSpec[], counts: Map<Period, number>, nowMs: number): { headers: Record<string, string>; exceeded: boolean } {
  const headers: Record<string, string> = {};
  const exceeded = counters.some((c) => (counts.get(c.period) ?? 0) > c.limit);
  let best: { limit: number; remaining: number; window: number; reset: number } | undefined;
  for (const c of counters) {
    const count = counts.get(c.period) ?? 0;
    const over = count > c.limit;
    const remaining = Math.max(0, exceeded && !over ? c.limit - (count - 1) : c.limit - count);
    const window = EXPIRATION[c.period];
    if (!best || remaining < best.remaining || (remaining === best.remaining && window > best.window)) {
      best = { limit: c.limit, remaining, window, reset: secondsToReset(c.period, nowMs) };
    }
    headers[`X-RateLimit-Limit-${capitalized(c.period)}`] = String(c.limit);
    headers[`X-RateLimit-Remaining-${capitalized(c.period)}`] = String(remaining);
  }
  if (best) {
    headers['RateLimit-Limit'] = String(best.limit);
    headers['RateLimit-Remaining'] = String(best.remaining);
    headers['RateLimit-Reset'] = String(best.reset);
    if (exceeded) headers['Retry-After'] = String(best.reset);
  }
  return { headers, exceeded };
}
