import { describe, expect, it } from 'vitest';
import { pathCases, type PathCase } from './path-cases.fixture.js';
import { makeRequest, makeRoute, makeService, routerFor } from './router.fixture.js';
import { buildUpstreamPath, requestPostfix } from './upstream-path.js';

interface Expanded {
  servicePath: string;
  routePath: string | null;
  strip: boolean;
  handling: 'v0' | 'v1';
  request: string;
  expected: string;
}

function expand([servicePath, routePath, strip, handling, request, expected]: PathCase): Expanded[] {
  const out: Expanded[] = [];
  for (const s of Array.isArray(strip) ? strip : [strip]) {
    for (const h of Array.isArray(handling) ? handling : [handling]) {
      out.push({ servicePath, routePath, strip: s, handling: h, request, expected });
    }
  }
  return out;
}

const cases = pathCases.flatMap(expand);
const name = (c: Expanded) => `${c.servicePath} + ${c.routePath ?? '(host only)'} strip=${c.strip} ${c.handling}: ${c.request} -> ${c.expected}`;

function matchThrough(c: Expanded, routePath: string | null, honourV1: boolean) {
  const service = makeService({ path: c.servicePath });
  const route = makeRoute({
    hosts: ['paths.test'],
    paths: routePath === null ? null : [routePath],
    strip_path: c.strip,
    path_handling: c.handling,
    service: { id: service.id },
  });
  const router = routerFor([route], [service], { honourPathHandlingV1: honourV1 });
  return router.match(makeRequest({ host: 'paths.test', rawPath: c.request }));
}

describe('upstream path (spec §3.4 table, every row)', () => {
  it('has every row of the table', () => {
    expect(pathCases).toHaveLength(113);
  });

  it.each(cases.filter((c) => c.handling === 'v0').map((c) => [name(c), c] as const))('v0 through the router, plain path: %s', (_n, c) => {
    expect(matchThrough(c, c.routePath, false)?.upstreamPath).toBe(c.expected);
  });

  // The same rows with the path turned into a regex: a regex match strips its whole match.
  it.each(cases.filter((c) => c.handling === 'v0' && c.routePath !== null).map((c) => [name(c), c] as const))(
    'v0 through the router, regex path: %s',
    (_n, c) => {
      expect(matchThrough(c, `~/[0]?${c.routePath!.slice(1)}`, false)?.upstreamPath).toBe(c.expected);
    },
  );

  it.each(cases.filter((c) => c.handling === 'v1').map((c) => [name(c), c] as const))('v1 when honoured: %s', (_n, c) => {
    expect(matchThrough(c, c.routePath, true)?.upstreamPath).toBe(c.expected);
  });

  it('traditional_compatible ignores v1 and joins the v0 way', () => {
    const c: Expanded = { servicePath: '/srv', routePath: '/rou', strip: true, handling: 'v1', request: '/roureq', expected: '/srv/req' };
    expect(matchThrough(c, c.routePath, false)?.upstreamPath).toBe('/srv/req');
    expect(matchThrough(c, c.routePath, true)?.upstreamPath).toBe('/srvreq');
  });
});

describe('the four v0 rules (spec §3.4 rows)', () => {
  const rows: [base: string, strip: boolean, req: string, prefix: string, expected: string][] = [
    // base ends with '/', strip
    ['/', true, '/route', '/route', '/'],
    ['/srv/', true, '/route/', '/route', '/srv/'],
    ['/srv/', true, '/route', '/route', '/srv'],
    ['/srv/', true, '/route/x', '/route', '/srv/x'],
    ['/srv/', true, '/routex', '/route', '/srv/x'],
    // base ends with '/', no strip
    ['/srv/', false, '/route/x', '/', '/srv/route/x'],
    // base without '/', strip
    ['/srv', true, '/route/', '/route', '/srv/'],
    ['/srv', true, '/route', '/route', '/srv'],
    ['/srv', true, '/', '/', '/srv'],
    ['/srv', true, '/route/x', '/route', '/srv/x'],
    ['/srv', true, '/routex', '/route', '/srv/x'],
    // base without '/', no strip
    ['/srv', false, '/', '/', '/srv'],
    ['/srv', false, '/route', '/', '/srv/route'],
  ];
  it.each(rows)('base %s strip=%s req %s prefix %s -> %s', (base, strip, req, prefix, expected) => {
    expect(buildUpstreamPath({ base, requestPath: req, prefix, stripPath: strip, pathHandling: 'v0' })).toBe(expected);
  });
});

describe('postfix sanitising', () => {
  it.each([
    ['/route.', '/route', ''],
    ['/route..', '/route', ''],
    ['/route./x', '/route', 'x'],
    ['/route../x', '/route', 'x'],
    ['/route.../x', '/route', '.../x'],
    ['/route/x', '/route', '/x'],
  ])('%s minus %s is %j', (req, prefix, expected) => {
    expect(requestPostfix(req, prefix)).toBe(expected);
  });
});
