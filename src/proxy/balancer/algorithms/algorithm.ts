import type { BalancerAddress } from '../address.js';

/** The policy part of a balancer; health, DNS and bookkeeping live in balancer.ts. */
export interface Algorithm {
  /** Called whenever addresses are added, removed or re-weighted. Receives only weight > 0 entries. */
  rebuild(addresses: readonly BalancerAddress[]): void;
  /** Chooses among the addresses `eligible` accepts; `hashValue` matters to consistent hashing only. */
  pick(eligible: (address: BalancerAddress) => boolean, hashValue: string): BalancerAddress | undefined;
  /** Feeds one observed response time (latency algorithm only). */
  observeLatency?(address: BalancerAddress, latencyMs: number): void;
}
