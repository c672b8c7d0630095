import { createHash } from 'node:crypto';

/**
 * scrypt costs tens of milliseconds by design, too much per request. Verified outcomes are
 * remembered per (stored hash, sha256 of the given password) so each pair is checked once;
 * a changed password changes the stored hash and so misses the cache. The clear password is
 * never kept. Bounded: the oldest entry goes first.
 */
export class VerifiedPasswordCache {
  private readonly entries = new Map<string, boolean>();
  constructor(private readonly capacity = 10_000) {}

  private keyOf(storedHash: string, password: string): string {
    return storedHash + '\0' + createHash('sha256').update(password).digest('base64');
  }

  check(storedHash: string, password: string, verify: () => boolean): boolean {
    const key = this.keyOf(storedHash, password);
    const known = this.entries.get(key);
    if (known !== undefined) return known;
    const ok = verify();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, ok);
    return ok;
  }

  get size(): number {
    return this.entries.size;
  }
}
