import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Divergence: Kong stores sha1(password .. consumer_id) in hex. New passwords here are stored
 * as `scrypt$<salt>$<hash>` (base64url), which resists offline guessing far better. Stored
 * Kong-style sha1 digests (40 hex characters, from a database Kong wrote) still verify.
 */
const PREFIX = 'scrypt$';
const KEY_LENGTH = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH);
  return `${PREFIX}${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function isStoredHash(value: string): boolean {
  return /^scrypt\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/.test(value);
}

function kongSha1(password: string, consumerId: string): string {
  return createHash('sha1').update(password + consumerId).digest('hex');
}

/** Compares in constant time; false for anything that is not a hash we know. */
export function verifyPassword(stored: string, password: string, consumerId: string): boolean {
  if (stored.startsWith(PREFIX)) {
    const [, saltText, hashText] = stored.split('$');
    if (!saltText || !hashText) return false;
    const expected = Buffer.from(hashText, 'base64url');
    const actual = scryptSync(password, Buffer.from(saltText, 'base64url'), expected.length);
    return timingSafeEqual(expected, actual);
  }
  if (/^[0-9a-f]{40}$/.test(stored)) {
    return timingSafeEqual(Buffer.from(stored), Buffer.from(kongSha1(password, consumerId)));
  }
  return false;
}
