import type { BalancerAddress } from '../address.js';
import type { Algorithm } from './algorithm.js';

/**
 * Weighted round-robin with smooth interleaving (nginx's "smooth weighted" scheme): over every
 * run of sum(weights)/gcd picks each address gets exactly its share, and heavy addresses are
 * spread out rather than picked in bursts.
 * Divergence: Kong fills a wheel with weight/gcd slots per address and shuffles it randomly;
 * the proportions are the same, the order here is deterministic. Unavailable addresses simply
 * drop out of the rotation, as on Kong's wheel.
 */
export class RoundRobin implements Algorithm {
  private addresses: readonly BalancerAddress[] = [];
  private readonly current = new Map<string, number>();

  rebuild(addresses: readonly BalancerAddress[]): void {
    this.addresses = addresses;
    const keys = new Set(addresses.map((a) => a.key));
    for (const key of this.current.keys()) if (!keys.has(key)) this.current.delete(key);
  }

  pick(eligible: (address: BalancerAddress) => boolean): BalancerAddress | undefined {
    let total = 0;
    let best: BalancerAddress | undefined;
    let bestValue = -Infinity;
    for (const address of this.addresses) {
      if (!eligible(address)) continue;
      const value = (this.current.get(address.key) ?? 0) + address.weight;
      this.current.set(address.key, value);
      total += address.weight;
      if (value > bestValue) {
        best = address;
        bestValue = value;
      }
    }
    if (best) this.current.set(best.key, bestValue - total);
    return best;
  }
}
