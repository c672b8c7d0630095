/**
 * A 32-bit string hash for the consistent-hashing ring: FNV-1a over UTF-8 bytes followed by
 * murmur3's finaliser, so near-identical inputs ("10.0.0.1:80 1", "... 2") spread over the ring.
 * Divergence: Kong uses xxhash32; ring positions therefore differ from Kong's, which only matters
 * to a client expecting the exact same target a Kong node would pick.
 */
export function hash32(input: string): number {
  const bytes = Buffer.from(input, 'utf8');
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
