import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseBasicAuthorization } from './parse-authorization.js';
import { hashPassword, isStoredHash, verifyPassword } from './password-hash.js';
import { VerifiedPasswordCache } from './verified-cache.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('basic-auth Authorization parsing', () => {
  it('reads user and password; the password may be empty or hold colons', () => {
    expect(parseBasicAuthorization(`Basic ${b64('bob:kong')}`)).toEqual({ username: 'bob', password: 'kong' });
    expect(parseBasicAuthorization(`  basic ${b64('bob:')}`)).toEqual({ username: 'bob', password: '' });
    expect(parseBasicAuthorization(`Basic ${b64('bob:a:b')}`)).toEqual({ username: 'bob', password: 'a:b' });
  });
  it('refuses other schemes, an empty username and a missing colon', () => {
    expect(parseBasicAuthorization(`Bearer ${b64('bob:kong')}`)).toBeUndefined();
    expect(parseBasicAuthorization(`Basic ${b64(':kong')}`)).toBeUndefined();
    expect(parseBasicAuthorization(`Basic ${b64('bobkong')}`)).toBeUndefined();
    expect(parseBasicAuthorization('Basic !!!')).toBeUndefined();
  });
});

describe('basic-auth password hashing', () => {
  it('stores a salted scrypt hash that verifies only the right password', () => {
    const stored = hashPassword('s3cret');
    expect(isStoredHash(stored)).toBe(true);
    expect(stored).not.toContain('s3cret');
    expect(hashPassword('s3cret')).not.toBe(stored);
    expect(verifyPassword(stored, 's3cret', 'c1')).toBe(true);
    expect(verifyPassword(stored, 'wrong', 'c1')).toBe(false);
  });
  it("verifies Kong's sha1(password .. consumer_id) rows", () => {
    const kong = createHash('sha1').update('pw' + 'cid').digest('hex');
    expect(verifyPassword(kong, 'pw', 'cid')).toBe(true);
    expect(verifyPassword(kong, 'pw', 'other')).toBe(false);
  });
  it('caches each verified pair so scrypt runs once per pair', () => {
    const cache = new VerifiedPasswordCache(2);
    let calls = 0;
    const verify = () => (calls++, true);
    expect(cache.check('h', 'p', verify)).toBe(true);
    expect(cache.check('h', 'p', verify)).toBe(true);
    expect(calls).toBe(1);
    cache.check('h', 'q', () => false);
    cache.check('h2', 'p', verify);
    expect(cache.size).toBe(2);
  });
});
