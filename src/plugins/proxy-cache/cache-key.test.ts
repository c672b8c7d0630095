import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCacheKey, composeCacheKeySource, headersPart, paramsPart, prefixOf, requestLine } from './cache-key.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const ROUTE = '7a1a5c9e-3c4d-4b8e-9f10-2a3b4c5d6e7f';

describe('proxy-cache key', () => {
  it('hashes prefix|method|request line without query|params|headers as Kong does', () => {
    const input = { routeId: ROUTE, method: 'GET', requestLine: 'GET /anything?b=2&a=1 HTTP/1.1', query: { b: '2', a: '1' }, headers: {} };
    expect(composeCacheKeySource(input)).toBe(`${ROUTE}|GET|GET /anything|a=1:b=2|`);
    expect(buildCacheKey(input)).toBe(sha(`${ROUTE}|GET|GET /anything|a=1:b=2|`));
  });

  it('keeps the protocol in the request line when there is no query (nginx $request)', () => {
    expect(composeCacheKeySource({ method: 'GET', requestLine: requestLine('GET', '/x', 1.1), query: {}, headers: {} })).toBe('default|GET|GET /x HTTP/1.1||');
    expect(requestLine('GET', '/x', 2)).toBe('GET /x HTTP/2.0');
  });

  it('prefixes consumer:route, route, or default', () => {
    expect(prefixOf('c', 'r')).toBe('c:r');
    expect(prefixOf(undefined, 'r')).toBe('r');
    expect(prefixOf('c', undefined)).toBe('default');
  });

  it('sorts repeated args, shows flags bare, and honours vary_query_params', () => {
    expect(paramsPart({ z: ['3', '1'], flag: true, a: 'x' })).toBe('a=x:flag:z=1,3');
    expect(paramsPart({ z: '1', a: '2', keep: '3' }, ['keep', 'missing'])).toBe('keep=3');
    expect(paramsPart({ z: '1' }, [])).toBe('z=1');
  });

  it('uses only vary_headers, case-insensitively, keeping the configured name', () => {
    const headers = { 'accept-encoding': 'gzip', 'x-lang': ['fr', 'de'] };
    expect(headersPart(headers, null)).toBe('');
    expect(headersPart(headers, ['Accept-Encoding', 'X_Lang', 'Absent'])).toBe('Accept-Encoding=gzip:X_Lang=de,fr');
  });

  it('different vary header values give different keys; ignore_uri_case folds the path', () => {
    const base = { routeId: ROUTE, method: 'GET', requestLine: 'GET /A HTTP/1.1', query: {}, varyHeaders: ['X-Lang'] };
    expect(buildCacheKey({ ...base, headers: { 'x-lang': 'fr' } })).not.toBe(buildCacheKey({ ...base, headers: { 'x-lang': 'de' } }));
    expect(buildCacheKey({ ...base, headers: {}, ignoreUriCase: true })).toBe(
      buildCacheKey({ ...base, headers: {}, requestLine: 'GET /a HTTP/1.1', ignoreUriCase: true }),
    );
    expect(buildCacheKey({ ...base, headers: {} })).not.toBe(buildCacheKey({ ...base, headers: {}, requestLine: 'GET /a HTTP/1.1' }));
  });
});
