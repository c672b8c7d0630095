import type { PdkCache } from '../../types.js';
import type { Period } from '../periods.js';
import { counterKey, isOver, type CounterPolicy, type CountScope, type CounterSpec } from './policy.js';

/**
 * Counters in the node cache. `incr` is synchronous and nothing awaits between the increments
 * and the take-back, so no other request can interleave: exact on this node.
 */
export function localPolicy(cache: PdkCache): CounterPolicy {
  return {
    increment(scope: CountScope, counters: readonly CounterSpec[]) {
      const counts = new Map<Period, number>();
      for (const c of counters) counts.set(c.period, cache.incr(counterKey(scope, c), 1, 0, c.ttl));
      if (isOver(counts, counters)) for (const c of counters) cache.incr(counterKey(scope, c), -1, 0, c.ttl);
      return counts;
    },
  };
}
