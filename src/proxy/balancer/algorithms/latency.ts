import type { BalancerAddress } from '../address.js';
import type { Algorithm } from './algorithm.js';
import { pickLowest } from './pick-lowest.js';

/** Kong's EWMA decay time (latency.lua DECAY_TIME, 10 s). */
const DECAY_MS = 10_000;

interface Ewma {
  value: number;
  at: number;
}

/**
 * Kong's latency (peak-EWMA) algorithm: the lowest decayed EWMA / weight wins. Between samples
 * the average decays toward 0, so a slow address is retried after a while. Addresses never
 * measured get the average of the measured ones ("slow start"), so a new address is not
 * flooded just because it has no history.
 */
export class Latency implements Algorithm {
  private addresses: readonly BalancerAddress[] = [];
  private readonly ewma = new Map<string, Ewma>();
  private readonly cursor = { next: 0 };

  constructor(private readonly now: () => number) {}

  rebuild(addresses: readonly BalancerAddress[]): void {
    this.addresses = addresses;
    const keys = new Set(addresses.map((a) => a.key));
    for (const key of this.ewma.keys()) if (!keys.has(key)) this.ewma.delete(key);
    this.cursor.next = 0;
  }

  pick(eligible: (address: BalancerAddress) => boolean): BalancerAddress | undefined {
    const now = this.now();
    const slowStart = this.averageMeasured(eligible, now);
    return pickLowest(
      this.addresses,
      eligible,
      (a) => {
        const e = this.ewma.get(a.key);
        return (e ? decay(e, 0, now) : slowStart) / a.weight;
      },
      this.cursor,
    );
  }

  observeLatency(address: BalancerAddress, latencyMs: number): void {
    const now = this.now();
    const previous = this.ewma.get(address.key);
    // The first sample is taken as is (Kong's zero-initialised EWMA with an ancient timestamp does the same).
    const value = previous ? decay(previous, latencyMs, now) : latencyMs;
    this.ewma.set(address.key, { value, at: now });
  }

  private averageMeasured(eligible: (address: BalancerAddress) => boolean, now: number): number {
    let sum = 0;
    let count = 0;
    for (const a of this.addresses) {
      const e = this.ewma.get(a.key);
      if (!e || !eligible(a)) continue;
      sum += decay(e, 0, now);
      count++;
    }
    return count === 0 ? 0 : sum / count;
  }
}

function decay(e: Ewma, sample: number, now: number): number {
  const elapsed = Math.max(0, now - e.at);
  const w = Math.exp(-elapsed / DECAY_MS);
  return e.value * w + sample * (1 - w);
}
