import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, must, startExtraNode, startSteerableUpstream, type ExtraNode, type SteerableUpstream } from './node-harness.js';

let node: ExtraNode;
let up: SteerableUpstream;

beforeAll(async () => {
  up = await startSteerableUpstream();
  node = await startExtraNode();
  await must(node.admin('POST', '/services', { name: 'echo', url: up.url }));
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await up?.close();
});

/** A route with one plugin; waits until the proxy serves it with the plugin in place. */
async function routeWith(name: string, plugin: string, config: Record<string, unknown>, routeExtra: Record<string, unknown> = {}, ready?: (r: Awaited<ReturnType<ExtraNode['proxy']>>) => boolean) {
  await must(node.admin('POST', '/services/echo/routes', { name, paths: [`/${name}`], ...routeExtra }));
  await must(node.admin('POST', `/routes/${name}/plugins`, { name: plugin, config }));
  if (ready) await eventually(() => node.proxy('GET', `/${name}`, { origin: 'http://probe.test' }), ready);
}

describe('cors', () => {
  it('answers a preflight itself, without the upstream', async () => {
    await routeWith(
      'cors-pre',
      'cors',
      { origins: ['http://a.test', 'http://b.test'], methods: ['GET', 'POST'], headers: ['X-One', 'X-Two'], exposed_headers: ['X-Exp'], max_age: 3600, credentials: true, private_network: true },
      {},
      (r) => r.headers.vary !== undefined,
    );
    const hits = up.hits;
    const res = await node.proxy('OPTIONS', '/cors-pre/x', {
      origin: 'http://b.test',
      'access-control-request-method': 'POST',
      'access-control-request-private-network': 'true',
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://b.test');
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(res.headers['access-control-allow-headers']).toBe('X-One,X-Two');
    expect(res.headers['access-control-max-age']).toBe('3600');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-private-network']).toBe('true');
    expect(res.headers.vary).toContain('Origin');
    expect(res.headers['access-control-expose-headers']).toBeUndefined();
    expect(up.hits).toBe(hits);
  });

  it('adds headers to simple requests, matching exact and regex origins', async () => {
    await routeWith('cors-simple', 'cors', { origins: ['http://exact.test:8080', '(.*\\.)?example\\.org'], exposed_headers: ['X-Exp', 'X-Other'] }, {}, (r) => r.headers.vary !== undefined);
    const exact = await node.proxy('GET', '/cors-simple', { origin: 'http://exact.test:8080' });
    expect(exact.status).toBe(200);
    expect(exact.headers['access-control-allow-origin']).toBe('http://exact.test:8080');
    expect(exact.headers['access-control-expose-headers']).toBe('X-Exp,X-Other');
    expect(exact.headers.vary).toContain('Origin');
    expect(exact.headers['access-control-allow-credentials']).toBeUndefined();
    const regex = await node.proxy('GET', '/cors-simple', { origin: 'https://api.example.org' });
    expect(regex.headers['access-control-allow-origin']).toBe('https://api.example.org');
    const refused = await node.proxy('GET', '/cors-simple', { origin: 'https://example.org.evil.test' });
    expect(refused.status).toBe(200);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows every origin by default and echoes it when credentials are on', async () => {
    await routeWith('cors-any', 'cors', { credentials: true }, {}, (r) => r.headers['access-control-allow-origin'] !== undefined);
    const res = await node.proxy('GET', '/cors-any', { origin: 'http://whoever.test' });
    expect(res.headers['access-control-allow-origin']).toBe('http://whoever.test');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    const pre = await node.proxy('OPTIONS', '/cors-any', { origin: 'http://whoever.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'X-Asked' });
    expect(pre.headers['access-control-allow-headers']).toBe('X-Asked');
    expect(pre.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT');
  });

  it('passes the preflight to the upstream with preflight_continue', async () => {
    await routeWith('cors-cont', 'cors', { origins: ['http://a.test'], preflight_continue: true }, {}, (r) => r.headers.vary !== undefined);
    const hits = up.hits;
    const res = await node.proxy('OPTIONS', '/cors-cont', { origin: 'http://a.test', 'access-control-request-method': 'GET' });
    expect(res.json.method).toBe('OPTIONS');
    expect(up.hits).toBe(hits + 1);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('request-transformer', () => {
  it('removes, renames, replaces, adds and appends headers and querystring, with templates', async () => {
    await routeWith(
      'rt-hq',
      'request-transformer',
      {
        remove: { headers: ['x-remove'], querystring: ['drop'] },
        rename: { headers: ['x-old:x-new'], querystring: ['old:new'] },
        replace: { headers: ['x-replace:replaced'], querystring: ['rep:$(headers.x_source)'] },
        add: { headers: ['x-added:$(query_params.keep)', 'x-keepme:not-used'], querystring: ['added:1'] },
        append: { headers: ['x-multi:second'], querystring: ['list:b'] },
      },
      {},
      (r) => r.json?.headers?.['x-added'] !== undefined,
    );
    const res = await node.proxy('GET', '/rt-hq?drop=1&old=o&rep=r&keep=k&list=a', {
      'x-remove': 'bye',
      'x-old': 'moved',
      'x-replace': 'orig',
      'x-source': 'from-header',
      'x-keepme': 'mine',
      'x-multi': 'first',
    });
    const h = res.json.headers;
    expect(h['x-remove']).toBeUndefined();
    expect(h['x-old']).toBeUndefined();
    expect(h['x-new']).toBe('moved');
    expect(h['x-replace']).toBe('replaced');
    expect(h['x-added']).toBe('k');
    expect(h['x-keepme']).toBe('mine');
    expect(h['x-multi']).toBe('first, second');
    const q = new URLSearchParams(res.json.query);
    expect(q.has('drop')).toBe(false);
    expect(q.get('new')).toBe('o');
    expect(q.has('old')).toBe(false);
    expect(q.get('rep')).toBe('from-header');
    expect(q.get('added')).toBe('1');
    expect(q.getAll('list')).toEqual(['a', 'b']);
  });

  it('transforms JSON and form bodies', async () => {
    await routeWith(
      'rt-body',
      'request-transformer',
      { remove: { body: ['secret'] }, rename: { body: ['old:new'] }, replace: { body: ['n:changed'] }, add: { body: ['added:yes'] }, append: { body: ['tags:t2'] } },
      {},
      (r) => r.status === 200,
    );
    const json = await node.proxy('POST', '/rt-body', { 'content-type': 'application/json' }, JSON.stringify({ secret: 's', old: 'o', n: 1, tags: 't1' }));
    expect(JSON.parse(json.json.body)).toEqual({ new: 'o', n: 'changed', added: 'yes', tags: ['t1', 't2'] });
    expect(Number(json.json.headers['content-length'])).toBe(Buffer.byteLength(json.json.body));
    const form = await node.proxy('POST', '/rt-body', { 'content-type': 'application/x-www-form-urlencoded' }, 'secret=s&old=o&n=1&tags=t1');
    // Kong's argument order is a Lua table's: compare the pairs, not their order.
    expect([...new URLSearchParams(form.json.body)].sort()).toEqual([['added', 'yes'], ['n', 'changed'], ['new', 'o'], ['tags', 't1'], ['tags', 't2']]);
  });

  it('changes the method and the path from uri captures', async () => {
    await routeWith(
      'rt-uri',
      'request-transformer',
      { http_method: 'GET', replace: { uri: '/users/$(uri_captures.user)/profile' } },
      { paths: ['~/rt-uri/(?<user>[a-z]+)$'] },
    );
    const res = await eventually(() => node.proxy('POST', '/rt-uri/alice', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1&b=2'), (r) => r.json?.method === 'GET');
    expect(res.json.path).toBe('/users/alice/profile');
    // A form body moves into the querystring when the method becomes GET (Kong).
    const q = new URLSearchParams(res.json.query ?? '');
    expect(q.get('a')).toBe('1');
    expect(q.get('b')).toBe('2');
  });
});

describe('response-transformer', () => {
  it('changes response headers and JSON bodies', async () => {
    await routeWith(
      'resp',
      'response-transformer',
      {
        remove: { headers: ['x-drop'], json: ['headers'] },
        rename: { headers: ['x-old:x-new'], json: ['method:verb'] },
        replace: { headers: ['x-rep:new'], json: ['path:/hidden'] },
        add: { headers: ['x-added:a'], json: ['count:3', 'ok:true'], json_types: ['number', 'boolean'] },
        append: { headers: ['x-multi:two'], json: ['body:extra'] },
      },
      {},
      (r) => r.headers['x-added'] !== undefined,
    );
    const res = await node.proxy('GET', '/resp', {
      'x-reply-header-x-drop': '1',
      'x-reply-header-x-old': 'o',
      'x-reply-header-x-rep': 'r',
      'x-reply-header-x-multi': 'one',
    });
    expect(res.headers['x-drop']).toBeUndefined();
    expect(res.headers['x-old']).toBeUndefined();
    expect(res.headers['x-new']).toBe('o');
    expect(res.headers['x-rep']).toBe('new');
    expect(res.headers['x-added']).toBe('a');
    expect(res.headers['x-multi']).toBe('one, two');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    const body = JSON.parse(res.text);
    expect(body.headers).toBeUndefined();
    expect(body.verb).toBe('GET');
    expect(body.method).toBeUndefined();
    expect(body.path).toBe('/hidden');
    expect(body.count).toBe(3);
    expect(body.ok).toBe(true);
    expect(body.body).toEqual(['', 'extra']);
    // Non-JSON bodies pass through unchanged.
    const text = await node.proxy('GET', '/resp', { 'x-reply-content-type': 'text/plain', 'x-reply-body': 'plain' });
    expect(text.text).toBe('plain');
  });
});

describe('correlation-id', () => {
  it('adds an id upstream with uuid#counter, echoes it downstream, and keeps one the client sent', async () => {
    await routeWith('cid', 'correlation-id', { echo_downstream: true }, {}, (r) => r.headers['kong-request-id'] !== undefined);
    const a = await node.proxy('GET', '/cid');
    const b = await node.proxy('GET', '/cid');
    const idA = a.json.headers['kong-request-id'];
    expect(idA).toMatch(/^[0-9a-f-]{36}#\d+$/);
    expect(a.headers['kong-request-id']).toBe(idA);
    const [uuidA, nA] = idA.split('#');
    const [uuidB, nB] = b.json.headers['kong-request-id'].split('#');
    expect(uuidB).toBe(uuidA);
    expect(Number(nB)).toBeGreaterThan(Number(nA));
    const kept = await node.proxy('GET', '/cid', { 'kong-request-id': 'client-chosen' });
    expect(kept.json.headers['kong-request-id']).toBe('client-chosen');
    expect(kept.headers['kong-request-id']).toBe('client-chosen');
  });

  it('uses the configured header and the uuid and tracker generators', async () => {
    await routeWith('cid-uuid', 'correlation-id', { header_name: 'X-Trace', generator: 'uuid' }, {}, (r) => r.json?.headers?.['x-trace'] !== undefined);
    const u = await node.proxy('GET', '/cid-uuid');
    expect(u.json.headers['x-trace']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(u.headers['x-trace']).toBeUndefined();
    await routeWith('cid-tracker', 'correlation-id', { header_name: 'X-Tracker', generator: 'tracker' }, {}, (r) => r.json?.headers?.['x-tracker'] !== undefined);
    const t = await node.proxy('GET', '/cid-tracker');
    expect(t.json.headers['x-tracker']).toMatch(new RegExp(`-${node.proxyPort}-${process.pid}-.*-\\d+\\.\\d{3}$`));
  });
});
