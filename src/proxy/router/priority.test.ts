import { describe, expect, it } from 'vitest';
import { idFor, makeRequest, makeRoute, routerFor } from './router.fixture.js';
import type { RouteInput, RouterRequest } from './types.js';
import { uuidV5 } from './uuid-v5.js';

interface PriorityCase {
  rule: string;
  /** Named routes; listed in creation order. Ids follow the list order unless given. */
  routes: Record<string, Partial<RouteInput>>;
  request: Partial<RouterRequest>;
  winner: string;
}

function winnerOf(c: PriorityCase, reverseInput: boolean): string | undefined {
  const entries = Object.entries(c.routes);
  const routes = entries.map(([name, fields], i) => makeRoute({ id: idFor(i + 1), name, ...fields }));
  const router = routerFor(reverseInput ? [...routes].reverse() : routes);
  return router.match(makeRequest(c.request))?.route.name ?? undefined;
}

const cases: PriorityCase[] = [
  // 1. match_weight: more configured fields win.
  { rule: 'host+path beats a longer path alone', routes: { hostPath: { hosts: ['example.com'], paths: ['/a'] }, longPath: { paths: ['/a/b/c/d'] } }, request: { rawPath: '/a/b/c/d' }, winner: 'hostPath' },
  { rule: 'path beats method alone', routes: { method: { methods: ['GET'] }, path: { paths: ['/a'] } }, request: { rawPath: '/a' }, winner: 'path' },
  { rule: 'method+path beats path', routes: { path: { paths: ['/abc'] }, methodPath: { methods: ['GET'], paths: ['/a'] } }, request: { rawPath: '/abc' }, winner: 'methodPath' },
  { rule: 'headers+path beats a longer path', routes: { headerPath: { headers: { v: ['1'] }, paths: ['/'] }, longPath: { paths: ['/abc'] } }, request: { rawPath: '/abc', headers: { v: '1' } }, winner: 'headerPath' },
  { rule: 'sni+path beats path on https', routes: { path: { paths: ['/abc'] }, sniPath: { snis: ['a.test'], paths: ['/'] } }, request: { scheme: 'https', sni: 'a.test', rawPath: '/abc' }, winner: 'sniPath' },
  { rule: 'wildcard host+path beats plain host alone', routes: { plain: { hosts: ['api.example.com'] }, wildPath: { hosts: ['*.example.com'], paths: ['/'] } }, request: { host: 'api.example.com', rawPath: '/x' }, winner: 'wildPath' },
  // 2. plain hosts only beat wildcards at the same weight.
  { rule: 'plain host beats wildcard host', routes: { wild: { hosts: ['*.example.com'] }, plain: { hosts: ['api.example.com'] } }, request: { host: 'api.example.com' }, winner: 'plain' },
  { rule: 'plain host beats a mixed list with a wildcard', routes: { plain: { hosts: ['api.example.com'] }, mixed: { hosts: ['api.example.com', 'x.*'] } }, request: { host: 'api.example.com' }, winner: 'plain' },
  { rule: 'plain host+short path beats wildcard+long path', routes: { wild: { hosts: ['*.example.com'], paths: ['/long/path'] }, plain: { hosts: ['api.example.com'], paths: ['/'] } }, request: { host: 'api.example.com', rawPath: '/long/path' }, winner: 'plain' },
  // 3. more header names win.
  { rule: 'two headers beat one', routes: { one: { headers: { a: ['1'] } }, two: { headers: { a: ['1'], b: ['2'] } } }, request: { headers: { a: '1', b: '2' } }, winner: 'two' },
  { rule: 'two headers + short path beat one header + long path', routes: { one: { headers: { a: ['1'] }, paths: ['/abcdef'] }, two: { headers: { a: ['1'], b: ['2'] }, paths: ['/'] } }, request: { rawPath: '/abcdef', headers: { a: '1', b: '2' } }, winner: 'two' },
  // 4. a regex path beats a prefix at the same weight.
  { rule: 'regex beats a longer matching prefix', routes: { prefix: { paths: ['/users/123'] }, regex: { paths: ['~/users/\\d+'] } }, request: { rawPath: '/users/123' }, winner: 'regex' },
  { rule: 'regex beats an exact prefix even with negative regex_priority', routes: { prefix: { paths: ['/users'] }, regex: { paths: ['~/u'], regex_priority: -5 } }, request: { rawPath: '/users' }, winner: 'regex' },
  // 5. regex_priority, regex routes only.
  { rule: 'higher regex_priority wins', routes: { high: { paths: ['~/a'], regex_priority: 10 }, low: { paths: ['~/a.*'], regex_priority: 1 } }, request: { rawPath: '/abc' }, winner: 'high' },
  { rule: 'regex_priority is ignored on prefix routes', routes: { long: { paths: ['/abc'] }, short: { paths: ['/a'], regex_priority: 100 } }, request: { rawPath: '/abc' }, winner: 'long' },
  // 6. the longest prefix wins.
  { rule: 'longest prefix wins', routes: { short: { paths: ['/a'] }, long: { paths: ['/a/b'] } }, request: { rawPath: '/a/b/c' }, winner: 'long' },
  { rule: 'prefix length counts bytes', routes: { ascii: { paths: ['/caf'] }, unicode: { paths: ['/café'] } }, request: { rawPath: '/caf%C3%A9' }, winner: 'unicode' },
  // Split routes: each path group competes with its own length.
  { rule: 'a multi-path route competes with each prefix length', routes: { multi: { paths: ['/foo', '/foo/bar/baz'] }, mid: { paths: ['/foo/bar'] } }, request: { rawPath: '/foo/bar/baz' }, winner: 'multi' },
  { rule: 'and loses with its short prefix', routes: { multi: { paths: ['/foo', '/foo/bar/baz'] }, mid: { paths: ['/foo/bar'] } }, request: { rawPath: '/foo/bar/x' }, winner: 'mid' },
  // 7. equal priority: the higher UUID wins (created_at is not used).
  { rule: 'equal priority: higher id wins', routes: { first: { paths: ['/a'] }, second: { paths: ['/a'] } }, request: { rawPath: '/a' }, winner: 'second' },
  { rule: 'created_at does not matter', routes: { older: { paths: ['/a'], created_at: 1 }, newer: { paths: ['/a'], created_at: 2 }, newest: { paths: ['/a'], created_at: 0 } }, request: { rawPath: '/a' }, winner: 'newest' },
  { rule: 'wildcard host with port vs without: the id decides', routes: { noPort: { hosts: ['route.*'] }, port: { hosts: ['route.*:80', 'route.com.*'] } }, request: { host: 'route.org:80' }, winner: 'port' },
  { rule: 'wildcard host with port vs without, ids swapped', routes: { port: { hosts: ['route.*:80'] }, noPort: { hosts: ['route.*'] } }, request: { host: 'route.org:80' }, winner: 'noPort' },
];

describe('priority between matching routes (spec §3.3)', () => {
  it.each(cases.map((c) => [c.rule, c] as const))('%s', (_rule, c) => {
    expect(winnerOf(c, false)).toBe(c.winner);
    // The order routes arrive in must not matter.
    expect(winnerOf(c, true)).toBe(c.winner);
  });

  it('uses derived ids for the parts of a split route', () => {
    // With one path group the route keeps its own id; with two, each part gets a UUIDv5 id
    // derived from `<id>#<group>`, and that id breaks ties with a rival of equal priority.
    const rival = makeRoute({ id: '80000000-0000-4000-8000-000000000000', name: 'rival', paths: ['/abc'] });
    const single = makeRoute({ id: idFor(4), name: 'single', paths: ['/abc'] });
    expect(routerFor([rival, single]).match(makeRequest({ rawPath: '/abc' }))?.route.name).toBe('rival');

    const winners = new Set<string | null | undefined>();
    for (let n = 1; n <= 12; n++) {
      const split = makeRoute({ id: idFor(n), name: 'split', paths: ['/abc', '/x'] });
      const router = routerFor([rival, split]);
      expect(router.size).toBe(3);
      const derived = uuidV5('7f145bf9-0dce-4f91-98eb-debbce4b9f6b', `${split.id}#1`);
      const winner = router.match(makeRequest({ rawPath: '/abc' }))?.route.name;
      expect(winner).toBe(derived > rival.id ? 'split' : 'rival');
      winners.add(winner);
    }
    // The ids were chosen so that both outcomes occur.
    expect(winners).toEqual(new Set(['split', 'rival']));
  });

  it('takes the first of a route\'s paths that matches', () => {
    const m = routerFor([makeRoute({ paths: ['~/a(b)', '~/(a)b'] })]).match(makeRequest({ rawPath: '/ab' }));
    expect(m?.matchedPath).toBe('~/a(b)');
    expect(m?.uriCaptures?.[1]).toBe('b');
  });
});
