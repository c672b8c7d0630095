import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRouter } from './compile-router.js';
import { idFor, makeRequest } from './router.fixture.js';
import type { RouteInput, ServiceInput } from './types.js';

const service: ServiceInput = Object.freeze({ id: idFor(0xabc), protocol: 'http', host: 'up.test', port: 80, path: null, enabled: true });
const services = new Map([[service.id, service]]);
const PATHS = ['/', '/a', '/a/b', '/ab', '~/a/\\d+$', '/b', '~/b/[a-z]+'];
const HOSTS = [null, ['h1.test'], ['*.test'], ['h1.test', 'h2.test']];

/** A frozen route, as snapshots hand them over. */
function route(n: number, paths: string[], hosts: string[] | null, regexPriority: number): RouteInput {
  return Object.freeze({
    id: idFor(n), protocols: ['http'], paths, hosts, methods: null, headers: null, snis: null, regex_priority: regexPriority,
    strip_path: false, preserve_host: false, path_handling: 'v0' as const, https_redirect_status_code: 426, created_at: 1, service: { id: service.id },
  });
}

const routeArb = (n: number) =>
  fc.record({ paths: fc.subarray(PATHS, { minLength: 1, maxLength: 3 }), hosts: fc.constantFrom(...HOSTS), prio: fc.integer({ min: 0, max: 2 }) })
    .map((r) => route(n, r.paths, r.hosts, r.prio));

const requests = ['/', '/a', '/a/b', '/a/12', '/ab', '/b', '/b/xyz', '/c'].flatMap((rawPath) =>
  ['h1.test', 'h2.test', 'x.test', 'other'].map((host) => makeRequest({ rawPath, host })));

describe('a router built from the previous one', () => {
  it('matches exactly as one compiled from scratch after any replacement, addition or removal of routes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }).chain((n) => routeArb(n)), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 14 }), fc.boolean()).chain(([n, del]) => routeArb(n).map((r) => ({ r, del }))), { maxLength: 6 }),
        (initial, edits) => {
          const byId = new Map<string, RouteInput>();
          for (const r of initial) byId.set(r.id, r);
          const before = compileRouter([...byId.values()], services);
          for (const { r, del } of edits) {
            if (del) byId.delete(r.id);
            else byId.set(r.id, r);
          }
          const routes = [...byId.values()];
          const incremental = compileRouter(routes, services, { previous: before });
          const scratch = compileRouter(routes.map((r) => ({ ...r })), services);
          expect(incremental.size).toBe(scratch.size);
          for (const req of requests) expect(incremental.match(req)?.route.id ?? null).toBe(scratch.match(req)?.route.id ?? null);
        },
      ),
      { numRuns: 200 },
    );
  });
});
