import { describe, expect, it } from 'vitest';
import { normalizeRequestPath, percentDecodeUnreserved, removeDotSegments } from './normalize-path.js';

describe('percent-decoding (reserved characters stay encoded, hex upper-cased)', () => {
  it.each([
    ['/h%65llo', '/hello'],
    ['/a%20b', '/a b'],
    ['/auth%2F123', '/auth%2F123'],
    ['/auth%2f123', '/auth%2F123'],
    ['/%3a%3A%40%26%3d%2b%24%2c%3f%25%23%5b%5d', '/%3A%3A%40%26%3D%2B%24%2C%3F%25%23%5B%5D'],
    ['/%21%2A%27%28%29%3B', '/%21%2A%27%28%29%3B'],
    ['/%2525', '/%2525'],
    ['/%7Euser', '/~user'],
    ['/caf%C3%A9', '/café'],
    ['/bad%zz', '/bad%zz'],
    ['/trail%4', '/trail%4'],
    ['/no-escapes', '/no-escapes'],
  ])('%s -> %s', (raw, expected) => {
    expect(percentDecodeUnreserved(raw)).toBe(expected);
  });

  it('rejects a path that decodes to invalid UTF-8', () => {
    expect(percentDecodeUnreserved('/%C3%28')).toBeNull();
    expect(percentDecodeUnreserved('/%FF')).toBeNull();
    expect(normalizeRequestPath('/%E9t%E9')).toBeNull();
  });
});

describe('dot segments and slashes', () => {
  it.each([
    ['/', '/'],
    ['', ''],
    ['/foo/a/../bar', '/foo/bar'],
    ['/foo/./bar', '/foo/bar'],
    ['/foo//bar', '/foo/bar'],
    ['//foo///bar//', '/foo/bar/'],
    ['/route./req', '/route./req'],
    ['/route../req', '/route../req'],
    ['/..', '/'],
    ['/../../a', '/a'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/a/.../b', '/a/.../b'],
    ['/.hidden/x', '/.hidden/x'],
  ])('%s -> %s', (raw, expected) => {
    expect(removeDotSegments(raw)).toBe(expected);
  });

  it.each([
    ['/route%2E%2E/req', '/route../req'],
    ['/a/%2e%2e/b', '/b'],
    ['/a/%2E/b', '/a/b'],
    ['/a%2F..%2Fb', '/a%2F..%2Fb'],
  ])('decoding comes before dot removal: %s -> %s', (raw, expected) => {
    expect(normalizeRequestPath(raw)).toBe(expected);
  });
});
