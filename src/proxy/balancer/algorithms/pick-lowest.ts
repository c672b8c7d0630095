import type { BalancerAddress } from '../address.js';

/**
 * The eligible address with the lowest score. Ties go to the first one after the previously
 * chosen index, so equal addresses take turns instead of the first always winning.
 */
export function pickLowest(
  addresses: readonly BalancerAddress[],
  eligible: (address: BalancerAddress) => boolean,
  score: (address: BalancerAddress) => number,
  cursor: { next: number },
): BalancerAddress | undefined {
  const n = addresses.length;
  let bestIndex = -1;
  let bestScore = Infinity;
  for (let step = 0; step < n; step++) {
    const index = (cursor.next + step) % n;
    const address = addresses[index];
    if (!eligible(address)) continue;
    const s = score(address);
    if (bestIndex === -1 || s < bestScore) {
      bestIndex = index;
      bestScore = s;
    }
  }
  if (bestIndex === -1) return undefined;
  cursor.next = (bestIndex + 1) % n;
  return addresses[bestIndex];
}
