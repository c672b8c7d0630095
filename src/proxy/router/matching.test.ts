import { describe, expect, it } from 'vitest';
import { makeRequest, makeRoute, makeService, routerFor } from './router.fixture.js';
import type { RouteInput, RouterRequest } from './types.js';

type Case = [description: string, route: Partial<RouteInput>, request: Partial<RouterRequest>, matches: boolean];

function check(route: Partial<RouteInput>, request: Partial<RouterRequest>) {
  return routerFor([makeRoute(route)]).match(makeRequest(request));
}

describe('paths', () => {
  const cases: Case[] = [
    ['prefix matches the same path', { paths: ['/my-route'] }, { rawPath: '/my-route' }, true],
    ['prefix has no segment boundary', { paths: ['/my-route'] }, { rawPath: '/my-routeXYZ' }, true],
    ['prefix is case-sensitive', { paths: ['/my-route'] }, { rawPath: '/MY-route' }, false],
    ['prefix does not match a shorter path', { paths: ['/my-route'] }, { rawPath: '/my' }, false],
    ['the path is normalised first', { paths: ['/hello'] }, { rawPath: '/x/../h%65llo' }, true],
    ['slashes are merged', { paths: ['/a/b'] }, { rawPath: '//a//b' }, true],
    ['an encoded slash stays encoded', { paths: ['/a/b'] }, { rawPath: '/a%2Fb' }, false],
    ['a route path with an encoded reserved char matches its upper-case form', { paths: ['/a%2Fb'] }, { rawPath: '/a%2fb' }, true],
    ['invalid UTF-8 never matches', { paths: ['/'] }, { rawPath: '/%FF' }, false],
    ['regex is anchored at the start', { paths: ['~/users/\\d+'] }, { rawPath: '/api/users/12' }, false],
    ['regex is not anchored at the end', { paths: ['~/users/\\d+'] }, { rawPath: '/users/12/x' }, true],
    ['regex with $ anchors the end', { paths: ['~/users/\\d+$'] }, { rawPath: '/users/12/x' }, false],
    ['any path of the route will do', { paths: ['/a', '/bb', '~/c+$'] }, { rawPath: '/ccc' }, true],
    ['unicode prefix', { paths: ['/café'] }, { rawPath: '/caf%C3%A9/x' }, true],
    ['regex alternation: only the first branch is anchored, as in Kong', { paths: ['~/a|/b'] }, { rawPath: '/x/b' }, true],
    ['a leading Rust inline flag (?i) applies', { paths: ['~(?i)/users'] }, { rawPath: '/USERS' }, true],
    ['without (?i) a regex is case-sensitive', { paths: ['~/users'] }, { rawPath: '/USERS' }, false],
  ];
  it.each(cases)('%s', (_d, route, request, matches) => {
    expect(check(route, request) !== null).toBe(matches);
  });

  it('exposes numbered and named regex captures', () => {
    const m = check({ paths: ['~/users/(?<user>\\d+)/(\\w+)'] }, { rawPath: '/users/42/orders/7' });
    expect(m?.uriCaptures).toEqual({ 0: '/users/42/orders', 1: '42', 2: 'orders', user: '42' });
    expect(m?.matchedPath).toBe('~/users/(?<user>\\d+)/(\\w+)');
  });

  it('accepts the Rust (?P<name>) spelling', () => {
    expect(check({ paths: ['~/v(?P<ver>\\d)'] }, { rawPath: '/v2/x' })?.uriCaptures).toEqual({ 0: '/v2', 1: '2', ver: '2' });
  });

  it('gives no captures for a regex without groups, or a prefix', () => {
    expect(check({ paths: ['~/users/\\d+'] }, { rawPath: '/users/1' })?.uriCaptures).toBeUndefined();
    expect(check({ paths: ['/users'] }, { rawPath: '/users/1' })?.uriCaptures).toBeUndefined();
  });

  it('leaves out groups that did not take part', () => {
    expect(check({ paths: ['~/a(b)?(c)'] }, { rawPath: '/ac' })?.uriCaptures).toEqual({ 0: '/ac', 2: 'c' });
  });

  it('reports the stripped prefix, and none when strip_path is off', () => {
    expect(check({ paths: ['/api'] }, { rawPath: '/api/x' })?.prefix).toBe('/api');
    expect(check({ paths: ['~/v\\d+'] }, { rawPath: '/v12/x' })?.prefix).toBe('/v12');
    expect(check({ paths: ['/api'], strip_path: false }, { rawPath: '/api/x' })?.prefix).toBeUndefined();
    expect(check({ hosts: ['example.com'] }, { rawPath: '/api/x' })?.prefix).toBeUndefined();
  });

  it('escapes the upstream path for the wire', () => {
    const m = check({ paths: ['/api'] }, { rawPath: '/api/a%20b%2Fc' });
    expect(m?.upstreamPath).toBe('/a b%2Fc');
    expect(m?.upstreamPathEscaped).toBe('/a%20b%2Fc');
  });

  it('skips a route whose regex does not compile and reports it', () => {
    const broken = makeRoute({ paths: ['~/(unclosed', '/ok'] });
    const router = routerFor([broken]);
    expect(router.skipped).toEqual([{ routeId: broken.id, reason: expect.any(String) }]);
    expect(router.match(makeRequest({ rawPath: '/ok' }))).toBeNull();
  });
});

describe('hosts', () => {
  const cases: Case[] = [
    ['exact', { hosts: ['example.com'] }, { host: 'example.com' }, true],
    ['exact, other host', { hosts: ['example.com'] }, { host: 'example.org' }, false],
    ['exact, any case (Divergence: Kong is case-sensitive)', { hosts: ['Example.com'] }, { host: 'EXAMPLE.COM' }, true],
    ['the Host port is ignored for a port-less entry', { hosts: ['example.com'] }, { host: 'example.com:8123' }, true],
    ['one of several hosts', { hosts: ['a.test', 'example.com'] }, { host: 'example.com' }, true],
    ['leading wildcard', { hosts: ['*.example.com'] }, { host: 'api.example.com' }, true],
    ['leading wildcard, deeper name', { hosts: ['*.example.com'] }, { host: 'a.b.example.com' }, true],
    ['leading wildcard needs the dot', { hosts: ['*.example.com'] }, { host: 'example.com' }, false],
    ['leading wildcard, other domain', { hosts: ['*.example.com'] }, { host: 'api.example.org' }, false],
    ['trailing wildcard', { hosts: ['example.*'] }, { host: 'example.org' }, true],
    ['trailing wildcard with port in Host', { hosts: ['example.*'] }, { host: 'example.org:99' }, true],
    ['trailing wildcard needs the dot', { hosts: ['example.*'] }, { host: 'exampleorg' }, false],
    ['entry with port, Host with that port', { hosts: ['example.com:8000'] }, { host: 'example.com:8000' }, true],
    ['entry with port, Host with another port', { hosts: ['example.com:8000'] }, { host: 'example.com:9000' }, false],
    ['entry with port, Host without port uses the listener port', { hosts: ['example.com:8000'] }, { host: 'example.com', port: 8000 }, true],
    ['entry with port, listener port differs', { hosts: ['example.com:8000'] }, { host: 'example.com', port: 8443 }, false],
    ['wildcard entry with port', { hosts: ['*.example.com:8000'] }, { host: 'a.example.com:8000' }, true],
    ['wildcard entry with port, other port', { hosts: ['*.example.com:8000'] }, { host: 'a.example.com:80' }, false],
    ['no Host at all', { hosts: ['example.com'] }, { host: '' }, false],
  ];
  it.each(cases)('%s', (_d, route, request, matches) => {
    expect(check(route, request) !== null).toBe(matches);
  });

  it('reports the host entry that matched', () => {
    expect(check({ hosts: ['a.test', '*.example.com'] }, { host: 'x.example.com' })?.matchedHost).toBe('*.example.com');
  });
});

describe('methods', () => {
  const cases: Case[] = [
    ['listed method', { methods: ['GET', 'POST'] }, { method: 'POST' }, true],
    ['unlisted method', { methods: ['GET', 'POST'] }, { method: 'PUT' }, false],
    ['methods are exact (upper case)', { methods: ['GET'] }, { method: 'get' }, false],
  ];
  it.each(cases)('%s', (_d, route, request, matches) => {
    expect(check(route, request) !== null).toBe(matches);
  });
});

describe('headers', () => {
  const cases: Case[] = [
    ['exact value', { headers: { version: ['v1'] } }, { headers: { version: 'v1' } }, true],
    ['values compare case-insensitively', { headers: { version: ['V1'] } }, { headers: { version: 'v1' } }, true],
    ['one of the configured values', { headers: { version: ['v1', 'v2'] } }, { headers: { version: 'v2' } }, true],
    ['missing header', { headers: { version: ['v1'] } }, { headers: {} }, false],
    ['other value', { headers: { version: ['v1'] } }, { headers: { version: 'v3' } }, false],
    ['one of repeated header lines', { headers: { version: ['v1'] } }, { headers: { version: ['v9', 'v1'] } }, true],
    ['a comma-joined line is not split', { headers: { version: ['v1'] } }, { headers: { version: 'v9, v1' } }, false],
    ['every configured header must match', { headers: { a: ['1'], b: ['2'] } }, { headers: { a: '1' } }, false],
    ['all configured headers present', { headers: { a: ['1'], b: ['2'] } }, { headers: { a: '1', b: '2' } }, true],
    ['configured name in any case', { headers: { 'X-Version': ['v1'] } }, { headers: { 'x-version': 'v1' } }, true],
    ['underscore in configured name reads as dash', { headers: { x_version: ['v1'] } }, { headers: { 'x-version': 'v1' } }, true],
    ['~* regex, unanchored', { headers: { ua: ['~*curl/\\d'] } }, { headers: { ua: 'Mozilla curl/8' } }, true],
    ['~* regex is case-insensitive', { headers: { ua: ['~*CURL'] } }, { headers: { ua: 'curl/8' } }, true],
    ['~* regex no match', { headers: { ua: ['~*^curl'] } }, { headers: { ua: 'wget' } }, false],
    ['~* regex among several values', { headers: { ua: ['wget', '~*^curl'] } }, { headers: { ua: 'curl/8' } }, true],
    ['plain value among a regex', { headers: { ua: ['wget', '~*^curl'] } }, { headers: { ua: 'WGET' } }, true],
  ];
  it.each(cases)('%s', (_d, route, request, matches) => {
    expect(check(route, request) !== null).toBe(matches);
  });
});

describe('snis (tested on https only)', () => {
  const cases: Case[] = [
    ['exact sni on https', { snis: ['api.test'] }, { scheme: 'https', sni: 'api.test' }, true],
    ['other sni on https', { snis: ['api.test'] }, { scheme: 'https', sni: 'web.test' }, false],
    ['no sni on https', { snis: ['api.test'] }, { scheme: 'https' }, false],
    ['skipped on http', { snis: ['api.test'] }, { scheme: 'http' }, true],
    ['wildcard sni', { snis: ['*.test'] }, { scheme: 'https', sni: 'api.test' }, true],
    ['trailing wildcard sni', { snis: ['api.*'] }, { scheme: 'https', sni: 'api.test' }, true],
    ['trailing dot in the configured sni is ignored', { snis: ['api.test.'] }, { scheme: 'https', sni: 'api.test' }, true],
  ];
  it.each(cases)('%s', (_d, route, request, matches) => {
    expect(check(route, request) !== null).toBe(matches);
  });
});

describe('protocols and https redirect', () => {
  it.each([
    [['https'], 'http', 426, true],
    [['https'], 'https', 426, false],
    [['http', 'https'], 'http', 426, false],
    [['http'], 'https', 426, false],
    [['https'], 'http', 301, true],
    [['https'], 'http', 308, true],
    [['grpcs'], 'http', 426, false],
  ] as const)('protocols %j over %s (code %i) redirects: %s', (protocols, scheme, status, redirects) => {
    const m = check({ protocols: [...protocols], paths: ['/'], https_redirect_status_code: status }, { scheme });
    expect(m).not.toBeNull();
    expect(m?.redirect).toEqual(redirects ? { status } : undefined);
  });

  it('leaves stream routes to the stream router', () => {
    expect(check({ protocols: ['tcp'], snis: ['a.test'] }, { scheme: 'https', sni: 'a.test' })).toBeNull();
    expect(check({ protocols: ['grpc'], paths: ['/'] }, {})).not.toBeNull();
  });
});

describe('services and preserve_host', () => {
  it('leaves out routes of a disabled service', () => {
    const service = makeService({ enabled: false });
    const router = routerFor([makeRoute({ paths: ['/'], service: { id: service.id } })], [service]);
    expect(router.match(makeRequest())).toBeNull();
  });

  it('keeps a route without a service (the proxy answers 503)', () => {
    const m = routerFor([makeRoute({ paths: ['/'], service: null })]).match(makeRequest({ rawPath: '/x' }));
    expect(m?.service).toBeNull();
    expect(m?.upstreamPath).toBe('/x');
  });

  it('refuses a route that names a service missing from the snapshot', () => {
    expect(() => routerFor([makeRoute({ paths: ['/'], service: { id: 'missing' } })])).toThrow(/route '.*' references service 'missing'/);
  });

  it.each([
    [true, 'preserved.com:123', 'preserved.com:123'],
    [true, '', null],
    [false, 'preserved.com:123', null],
  ] as const)('preserve_host=%s with Host %j sends %j', (preserve, host, expected) => {
    expect(check({ paths: ['/'], preserve_host: preserve }, { host })?.upstreamHost).toBe(expected);
  });

  it('returns frozen results', () => {
    expect(Object.isFrozen(check({ paths: ['/'] }, {}))).toBe(true);
  });
});
