import { describe, expect, it } from 'vitest';
import { compileRoute, testRoute, type CompiledRoute, type MatchContext } from './compile-route.js';
import { splitHostPort } from './host-port.js';
import { normalizeRequestPath } from './normalize-path.js';
import { compareForEvaluation } from './priority.js';
import { RouteIndex } from './route-index.js';
import { idFor, makeRequest, makeRoute, makeService, routerFor } from './router.fixture.js';
import { splitByPathGroup } from './split-routes.js';
import type { RouteInput, RouterRequest } from './types.js';

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildRoutes(): RouteInput[] {
  const service = makeService({ path: '/base' });
  const routes: RouteInput[] = [];
  const add = (fields: Partial<RouteInput>) =>
    routes.push(makeRoute({ id: idFor(routes.length + 1), name: `r${routes.length + 1}`, service: { id: service.id }, ...fields }));
  for (let i = 0; i < 4000; i++) add({ hosts: [`h${i % 100}.test`], paths: [`/svc${i}/v${i % 7}`] });
  for (let i = 0; i < 2500; i++) add({ paths: [`/p${i}`, `/p${i}/deep/er`] });
  for (let i = 0; i < 1000; i++) add({ hosts: [`*.w${i}.test`], paths: i % 2 ? ['/'] : null });
  for (let i = 0; i < 400; i++) add({ paths: [`~/r${i}/(?<id>\\d+)$`], regex_priority: i % 3 });
  for (let i = 0; i < 600; i++) add({ headers: { 'x-tenant': [`t${i}`] }, paths: ['/tenant'] });
  for (let i = 0; i < 1000; i++) add({ methods: [i % 2 ? 'POST' : 'GET'], paths: [`/m${i}`] });
  for (let i = 0; i < 500; i++) add({ hosts: [`h${i % 100}.test:${8000 + (i % 2)}`], paths: [`/svc${i}`] });
  return routes;
}

/** The reference: every route in priority order, tested one by one. */
function linearMatch(all: CompiledRoute[], req: RouterRequest): string | null {
  const path = normalizeRequestPath(req.rawPath);
  if (path === null) return null;
  const { host, port } = splitHostPort(req.host);
  const ctx: MatchContext = { method: req.method, scheme: req.scheme, hostName: host.toLowerCase(), port: port ?? req.port, headers: req.headers, sni: req.sni, path };
  return all.find((r) => testRoute(r, ctx) !== null)?.route.id ?? null;
}

function randomRequest(next: () => number): RouterRequest {
  const pick = (n: number) => Math.floor(next() * n);
  const hosts = [`h${pick(110)}.test`, `h${pick(100)}.test:${8000 + pick(3)}`, `a.w${pick(1100)}.test`, 'none.test'];
  const paths = [
    `/svc${pick(4200)}/v${pick(8)}/x`,
    `/svc${pick(600)}`,
    `/p${pick(2600)}`,
    `/p${pick(2600)}/deep/er/more`,
    `/r${pick(420)}/${pick(1000)}`,
    `/r${pick(420)}/x${pick(10)}`,
    '/tenant/a',
    `/m${pick(1100)}`,
    '/',
  ];
  return makeRequest({
    method: next() < 0.5 ? 'GET' : 'POST',
    host: hosts[pick(hosts.length)],
    port: 8000 + pick(2),
    rawPath: paths[pick(paths.length)],
    headers: next() < 0.3 ? { 'x-tenant': `t${pick(700)}` } : {},
  });
}

describe('10,000 routes', () => {
  const routes = buildRoutes();
  const router = routerFor(routes);
  const all = routes
    .flatMap((route) => splitByPathGroup(route).map((g) => compileRoute(g.id, route, null, g.paths)))
    .sort(compareForEvaluation);

  it('compiles every route', () => {
    expect(routes).toHaveLength(10_000);
    expect(router.skipped).toEqual([]);
    expect(router.size).toBe(12_500);
  });

  it.each([
    [{ host: 'h5.test', rawPath: '/svc105/v0/x' }, 'r106', '/base/x'],
    [{ host: 'h5.test:8001', rawPath: '/svc105/v0/x' }, 'r106', '/base/x'],
    [{ host: 'h5.test', port: 8001, rawPath: '/svc5' }, 'r9506', '/base'],
    [{ host: 'h5.test', port: 8000, rawPath: '/svc5' }, null, null],
    [{ rawPath: '/p42/deep/er/x' }, 'r4043', '/base/x'],
    [{ rawPath: '/p42/x' }, 'r4043', '/base/x'],
    [{ rawPath: '/p4' }, 'r4005', '/base'],
    [{ host: 'x.w7.test', rawPath: '/anything' }, 'r6508', '/base/anything'],
    [{ host: 'x.w8.test', rawPath: '/anything' }, 'r6509', '/base/anything'],
    [{ rawPath: '/r12/345' }, 'r7513', '/base'],
    [{ rawPath: '/tenant/x', headers: { 'x-tenant': 'T77' } }, 'r7978', '/base/x'],
    [{ rawPath: '/tenant/x' }, null, null],
    [{ method: 'POST', rawPath: '/m3' }, 'r8504', '/base'],
    [{ method: 'GET', rawPath: '/m3' }, null, null],
    [{ method: 'GET', rawPath: '/m30' }, 'r8531', '/base'],
  ] as const)('%j matches %s', (request, name, upstreamPath) => {
    const m = router.match(makeRequest(request));
    expect(m?.route.name ?? null).toBe(name);
    expect(m?.upstreamPath ?? null).toBe(upstreamPath);
  });

  it('agrees with a linear scan in priority order on 800 random requests', () => {
    const next = prng(20240601);
    let matched = 0;
    for (let i = 0; i < 800; i++) {
      const req = randomRequest(next);
      const expected = linearMatch(all, req);
      const actual = router.match(req)?.route.id ?? null;
      if (actual !== expected) expect({ req, actual }).toEqual({ req, actual: expected });
      if (expected) matched++;
    }
    // The generator must exercise both outcomes.
    expect(matched).toBeGreaterThan(250);
    expect(matched).toBeLessThan(800);
  });

  it('offers only a few candidates per request instead of every route', () => {
    const compiled = all.map((r, rank) => ({ ...r, rank }));
    const index = new RouteIndex(compiled);
    // Regex routes (400) are kept aside and always offered; of the others only the buckets of
    // the host name, its wildcard forms and the path's prefixes.
    const hosted = index.candidates('h5.test', '/svc105/v0/x');
    expect(hosted.filter((c) => c.regexes === null).map((c) => c.route.name)).toEqual(['r106', 'r9606']);
    expect(hosted.length).toBeLessThanOrEqual(402);

    const wildcard = index.candidates('a.w7.test', '/p42/x');
    expect(wildcard.filter((c) => c.regexes === null).map((c) => c.route.name)).toEqual(['r6508', 'r4043', 'r4005']);

    const unique = new Set(index.candidates('x.w8.test', '/').map((c) => c.rank));
    expect(unique.size).toBe(index.candidates('x.w8.test', '/').length);
  });

  it('finds a route with mixed host kinds once', () => {
    const route = makeRoute({ hosts: ['api.mixed.test', '*.mixed.test', 'api.*'], paths: ['/'] });
    const compiled = splitByPathGroup(route).map((g, rank) => ({ ...compileRoute(g.id, route, null, g.paths), rank }));
    expect(new RouteIndex(compiled).candidates('api.mixed.test', '/x')).toHaveLength(1);
  });
});
