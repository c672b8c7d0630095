import { describe, expect, it } from 'vitest';
import { escapeUpstreamPath } from './escape-path.js';
import { splitHostPort } from './host-port.js';
import { LruCache } from './lru-cache.js';
import { splitByPathGroup } from './split-routes.js';
import { makeRoute } from './router.fixture.js';
import { uuidV5 } from './uuid-v5.js';

describe('escapeUpstreamPath', () => {
  it.each([
    ['/a b', '/a%20b'],
    ['/request/auth%2F123', '/request/auth%2F123'],
    ["/keep!#$&'()*+,/:;=?@[]~-._", "/keep!#$&'()*+,/:;=?@[]~-._"],
    ['/café', '/caf%C3%A9'],
    ['/q"<>\\^`{|}', '/q%22%3C%3E%5C%5E%60%7B%7C%7D'],
  ])('%s -> %s', (path, expected) => {
    expect(escapeUpstreamPath(path)).toBe(expected);
  });
});

describe('splitHostPort', () => {
  it.each([
    ['example.com', 'example.com', null],
    ['example.com:8000', 'example.com', 8000],
    ['example.*:123', 'example.*', 123],
    ['example.com:', 'example.com:', null],
    ['example.com:abc', 'example.com:abc', null],
    ['[::1]:8000', '[::1]:8000', null],
  ])('%s', (value, host, port) => {
    expect(splitHostPort(value)).toEqual({ host, port });
  });
});

describe('uuidV5', () => {
  it('matches RFC 4122 name-based UUIDs (value from Python uuid.uuid5)', () => {
    expect(uuidV5('7f145bf9-0dce-4f91-98eb-debbce4b9f6b', 'e8fb37f1-102d-461e-9c51-6608a6bb8101#2')).toBe(
      'f3f66107-db02-53dc-baaf-ff30ef99a039',
    );
  });
});

describe('splitByPathGroup', () => {
  it.each([
    [null, 1],
    [['/foo'], 1],
    [['/foo', '/bar'], 1],
    [['/foo', '/foo/bar/baz'], 2],
    [['~/a', '~/bc', '/x'], 2],
    [['~/regex.*$', '/long-path', '/one', '/two', '/three', '~/.*'], 4],
  ] as const)('%j gives %i group(s)', (paths, groups) => {
    const route = makeRoute({ paths: paths ? [...paths] : null });
    const split = splitByPathGroup(route);
    expect(split).toHaveLength(groups);
    if (groups === 1) expect(split[0].id).toBe(route.id);
    else expect(new Set(split.map((g) => g.id)).size).toBe(groups);
  });

  it('groups regexes together and prefixes by byte length, in order of first appearance', () => {
    const route = makeRoute({ paths: ['~/regex.*$', '/long-path', '/one', '/two', '/three', '~/.*'] });
    expect(splitByPathGroup(route).map((g) => g.paths)).toEqual([['~/regex.*$', '~/.*'], ['/long-path'], ['/one', '/two'], ['/three']]);
    expect(splitByPathGroup(route)[0].id).toBe(uuidV5('7f145bf9-0dce-4f91-98eb-debbce4b9f6b', `${route.id}#1`));
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const lru = new LruCache<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });
});
