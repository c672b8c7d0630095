import { describe, expect, it } from 'vitest';
import { makeRequest, makeRoute, routerFor } from './router.fixture.js';

describe('match cache', () => {
  it('returns the cached result for the same inputs', () => {
    const router = routerFor([makeRoute({ paths: ['/a'] })]);
    const first = router.match(makeRequest({ rawPath: '/a/x' }));
    expect(first).not.toBeNull();
    expect(router.match(makeRequest({ rawPath: '/a/x' }))).toBe(first);
  });

  it('keys on header values when routes use headers', () => {
    const router = routerFor([makeRoute({ name: 'v1', headers: { version: ['v1'] }, paths: ['/'] }), makeRoute({ name: 'any', paths: ['/'] })]);
    expect(router.match(makeRequest({ headers: { version: 'v1' } }))?.route.name).toBe('v1');
    expect(router.match(makeRequest({ headers: {} }))?.route.name).toBe('any');
    expect(router.match(makeRequest({ headers: { version: 'v2' } }))?.route.name).toBe('any');
    expect(router.match(makeRequest({ headers: { version: ['x', 'V1'] } }))?.route.name).toBe('v1');
    expect(router.match(makeRequest({ headers: { version: 'v1' } }))?.route.name).toBe('v1');
  });

  it('keys on the SNI and scheme when routes use SNIs', () => {
    const router = routerFor([makeRoute({ name: 'sni', snis: ['a.test'], paths: ['/'] }), makeRoute({ name: 'plain', paths: ['/'], regex_priority: 0 })]);
    expect(router.match(makeRequest({ scheme: 'https', sni: 'a.test' }))?.route.name).toBe('sni');
    expect(router.match(makeRequest({ scheme: 'https', sni: 'b.test' }))?.route.name).toBe('plain');
    expect(router.match(makeRequest({ scheme: 'https' }))?.route.name).toBe('plain');
    // On plain http the SNI condition is skipped, so the SNI route wins on weight.
    expect(router.match(makeRequest({ scheme: 'http' }))?.route.name).toBe('sni');
  });

  it('keys on the listener port when a host entry names a port', () => {
    const router = routerFor([makeRoute({ name: 'port', hosts: ['example.com:8000'] }), makeRoute({ name: 'other', paths: ['/'] })]);
    expect(router.match(makeRequest({ host: 'example.com', port: 8000 }))?.route.name).toBe('port');
    expect(router.match(makeRequest({ host: 'example.com', port: 8443 }))?.route.name).toBe('other');
  });

  it('keys on the scheme for the https redirect', () => {
    const router = routerFor([makeRoute({ protocols: ['https'], paths: ['/'], https_redirect_status_code: 301 })]);
    expect(router.match(makeRequest({ scheme: 'http' }))?.redirect).toEqual({ status: 301 });
    expect(router.match(makeRequest({ scheme: 'https' }))?.redirect).toBeUndefined();
  });

  it('uses the current Host for preserve_host', () => {
    const router = routerFor([makeRoute({ paths: ['/'], preserve_host: true })]);
    expect(router.match(makeRequest({ host: 'one.test' }))?.upstreamHost).toBe('one.test');
    expect(router.match(makeRequest({ host: 'two.test:81' }))?.upstreamHost).toBe('two.test:81');
  });

  it('stays correct when the cache is tiny and entries are evicted', () => {
    const router = routerFor([makeRoute({ name: 'a', paths: ['/a'] }), makeRoute({ name: 'b', paths: ['/b'] })], [], { cacheSize: 1 });
    for (let i = 0; i < 3; i++) {
      expect(router.match(makeRequest({ rawPath: '/a' }))?.route.name).toBe('a');
      expect(router.match(makeRequest({ rawPath: '/b' }))?.route.name).toBe('b');
      expect(router.match(makeRequest({ rawPath: '/c' }))).toBeNull();
    }
  });
});
