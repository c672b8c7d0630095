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

/**
 * With several worker processes, `local` must count per node, not per worker: the cluster
 * module installs a policy whose counters live in the primary process (reached over IPC).
 */
let nodeWidePolicy: CounterPolicy | null = null;

export function useNodeWideLocalPolicy(policy: CounterPolicy | null): void {
  nodeWidePolicy = policy;
}

export function nodeWideLocalPolicy(): CounterPolicy | null {
  return nodeWidePolicy;
}
