import type { BalancerAddress } from '../address.js';
import type { Algorithm } from './algorithm.js';
import { pickLowest } from './pick-lowest.js';

/**
 * Kong's least-connections: the lowest (connections + 1) / weight wins. The "+ 1" makes the
 * heaviest address win when all are idle instead of any idle one. Connections are counted by
 * the balancer (pick increments, release decrements).
 */
export class LeastConnections implements Algorithm {
  private addresses: readonly BalancerAddress[] = [];
  private readonly cursor = { next: 0 };

  rebuild(addresses: readonly BalancerAddress[]): void {
    this.addresses = addresses;
    this.cursor.next = 0;
  }

  pick(eligible: (address: BalancerAddress) => boolean): BalancerAddress | undefined {
    return pickLowest(this.addresses, eligible, (a) => (a.connections + 1) / a.weight, this.cursor);
  }
}
