import type { BalancerAddress } from '../address.js';
import { hash32 } from '../hash.js';
import type { Algorithm } from './algorithm.js';

/** Kong's ketama-style continuum: 160 points per address at equal weights. */
const POINTS_PER_ADDRESS = 160;
/** Kong ignores `slots` below 1000 for the continuum and uses 1000 instead. */
const MIN_CONTINUUM = 1000;
const MAX_CONTINUUM = 2 ** 32;

interface RingPoint {
  position: number;
  tiebreak: number;
  address: BalancerAddress;
}

/**
 * A hash ring of `slots` positions. Each address owns points named "<ip:port> <i>", so its
 * points do not depend on the other addresses: removing one address moves only the keys it
 * owned. A key goes to the point at or below its position, walking down (wrapping) past
 * addresses that are unavailable or already tried.
 * Divergence: Kong stores one address per position and moves colliding points forward; here
 * colliding points coexist, ordered by their full hash, so collisions never reshuffle others.
 */
export class ConsistentHashing implements Algorithm {
  private readonly size: number;
  private ring: RingPoint[] = [];

  constructor(slots: number) {
    this.size = slots >= MIN_CONTINUUM && slots <= MAX_CONTINUUM ? slots : MIN_CONTINUUM;
  }

  rebuild(addresses: readonly BalancerAddress[]): void {
    const totalWeight = addresses.reduce((sum, a) => sum + a.weight, 0);
    const ring: RingPoint[] = [];
    for (const address of addresses) {
      if (address.weight <= 0) continue;
      const share = (address.weight / totalWeight) * addresses.length * POINTS_PER_ADDRESS;
      const entries = Math.max(1, Math.floor(share));
      for (let i = 1; i <= entries; i++) {
        const h = hash32(`${address.peer} ${i}`);
        ring.push({ position: h % this.size, tiebreak: h, address });
      }
    }
    ring.sort((a, b) => a.position - b.position || a.tiebreak - b.tiebreak || compare(a.address.key, b.address.key));
    this.ring = ring;
  }

  pick(eligible: (address: BalancerAddress) => boolean, hashValue: string): BalancerAddress | undefined {
    const ring = this.ring;
    if (ring.length === 0) return undefined;
    const position = hash32(hashValue) % this.size;
    let index = lastAtOrBelow(ring, position);
    for (let step = 0; step < ring.length; step++) {
      const point = ring[index];
      if (eligible(point.address)) return point.address;
      index = index === 0 ? ring.length - 1 : index - 1;
    }
    return undefined;
  }
}

/** Index of the last point whose position is <= `position`, wrapping to the top of the ring. */
function lastAtOrBelow(ring: RingPoint[], position: number): number {
  let lo = 0;
  let hi = ring.length - 1;
  let found = ring.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ring[mid].position <= position) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (ring[0].position > position) return ring.length - 1;
  return found;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
