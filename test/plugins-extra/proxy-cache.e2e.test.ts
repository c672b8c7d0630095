import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, must, startExtraNode, startSteerableUpstream, type ExtraNode, type SteerableUpstream } from './node-harness.js';

let node: ExtraNode;
let up: SteerableUpstream;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  up = await startSteerableUpstream();
  // A small cache so that LRU eviction can be seen with a handful of responses.
  node = await startExtraNode({ mem_cache_size: '24k' });
  await must(node.admin('POST', '/services', { name: 'cached', url: up.url }));
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await up?.close();
});

async function route(name: string, config: Record<string, unknown>): Promise<{ routeId: string; pluginId: string }> {
  const r = await must(node.admin('POST', '/services/cached/routes', { name, paths: [`/${name}`] }));
  const p = await must(node.admin('POST', `/routes/${name}/plugins`, { name: 'proxy-cache', config: { strategy: 'memory', content_type: ['application/json'], ...config } }));
  // The change reaches the proxy with the next snapshot.
  await eventually(() => node.proxy('GET', `/${name}/__probe`, { 'cache-control': 'no-store' }), (res) => res.headers['x-cache-status'] !== undefined);
  return { routeId: r.id, pluginId: p.id };
}

describe('proxy-cache', () => {
  it('Miss, then Hit without reaching the upstream, then Refresh after cache_ttl; Admin API reads and purges', async () => {
    // Stored longer than it is fresh, so an old entry is refreshed rather than missing.
    const { routeId, pluginId } = await route('basic', { cache_ttl: 1, storage_ttl: 30 });
    await route('expire', { cache_ttl: 1 });
    expect((await node.proxy('GET', '/expire/x')).headers['x-cache-status']).toBe('Miss');
    expect((await node.proxy('GET', '/expire/x')).headers['x-cache-status']).toBe('Hit');
    const before = up.hits;
    const miss = await node.proxy('GET', '/basic/item?b=2&a=1');
    expect(miss.status).toBe(200);
    expect(miss.headers['x-cache-status']).toBe('Miss');
    // Kong's key: sha256(route|method|request line without query|sorted args|vary headers).
    const key = sha(`${routeId}|GET|GET /basic/item|a=1:b=2|`);
    expect(miss.headers['x-cache-key']).toBe(key);
    expect(up.hits).toBe(before + 1);

    const hit = await node.proxy('GET', '/basic/item?a=1&b=2');
    expect(hit.headers['x-cache-status']).toBe('Hit');
    expect(hit.headers['x-cache-key']).toBe(key);
    expect(hit.headers.age).toBeDefined();
    expect(hit.text).toBe(miss.text);
    expect(up.hits).toBe(before + 1);

    const entry = await node.admin('GET', `/proxy-cache/${key}`);
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ status: 200, version: 1, ttl: 1, body: miss.text, body_len: Buffer.byteLength(miss.text) });
    expect((await node.admin('GET', `/proxy-cache/${pluginId}/caches/${key}`)).status).toBe(200);
    expect((await node.admin('GET', `/proxy-cache/${pluginId}/caches/nope`)).status).toBe(404);
    expect((await node.admin('GET', `/proxy-cache/00000000-0000-4000-8000-000000000000/caches/${key}`)).status).toBe(404);

    // Older than cache_ttl: Kong refreshes from the upstream; without storage_ttl the entry is gone.
    await sleep(2100);
    expect((await node.proxy('GET', '/expire/x')).headers['x-cache-status']).toBe('Miss');
    const refresh = await node.proxy('GET', '/basic/item?a=1&b=2');
    expect(refresh.headers['x-cache-status']).toBe('Refresh');
    expect(up.hits).toBe(before + 3);
    expect((await node.proxy('GET', '/basic/item?a=1&b=2')).headers['x-cache-status']).toBe('Hit');

    expect((await node.admin('DELETE', `/proxy-cache/${pluginId}/caches/${key}`)).status).toBe(204);
    expect((await node.admin('GET', `/proxy-cache/${key}`)).status).toBe(404);
    expect((await node.proxy('GET', '/basic/item?a=1&b=2')).headers['x-cache-status']).toBe('Miss');
    expect((await node.admin('DELETE', `/proxy-cache/${key}`)).status).toBe(204);
    expect((await node.admin('DELETE', `/proxy-cache/${key}`)).status).toBe(404);
    expect((await node.proxy('GET', '/basic/item?a=1&b=2')).headers['x-cache-status']).toBe('Miss');
    expect((await node.admin('DELETE', '/proxy-cache')).status).toBe(204);
    expect((await node.proxy('GET', '/basic/item?a=1&b=2')).headers['x-cache-status']).toBe('Miss');
    expect(up.hits).toBe(before + 6);
  });

  it('bypasses methods, statuses and content types it does not cache', async () => {
    await route('bypass', {});
    expect((await node.proxy('POST', '/bypass/x', {}, '{}')).headers['x-cache-status']).toBe('Bypass');
    const wrongType = await node.proxy('GET', '/bypass/t', { 'x-reply-content-type': 'text/html' });
    expect(wrongType.headers['x-cache-status']).toBe('Bypass');
    expect((await node.proxy('GET', '/bypass/t', { 'x-reply-content-type': 'text/html' })).headers['x-cache-status']).toBe('Bypass');
    const teapot = await node.proxy('GET', '/bypass/s', { 'x-reply-status': '418' });
    expect(teapot.headers['x-cache-status']).toBe('Bypass');
    expect((await node.proxy('GET', '/bypass/s', { 'x-reply-status': '418' })).headers['x-cache-status']).toBe('Bypass');
  });

  it('varies on the listed headers and query parameters only', async () => {
    await route('vary', { vary_headers: ['X-Lang'], vary_query_params: ['page'] });
    const before = up.hits;
    expect((await node.proxy('GET', '/vary/a?page=1&noise=1', { 'x-lang': 'fr' })).headers['x-cache-status']).toBe('Miss');
    expect((await node.proxy('GET', '/vary/a?page=1&noise=2', { 'x-lang': 'fr' })).headers['x-cache-status']).toBe('Hit');
    expect((await node.proxy('GET', '/vary/a?page=1', { 'x-lang': 'de' })).headers['x-cache-status']).toBe('Miss');
    expect((await node.proxy('GET', '/vary/a?page=2', { 'x-lang': 'de' })).headers['x-cache-status']).toBe('Miss');
    const de = await node.proxy('GET', '/vary/a?page=1', { 'x-lang': 'de' });
    expect(de.headers['x-cache-status']).toBe('Hit');
    expect(JSON.parse(de.text).headers['x-lang']).toBe('de');
    expect(up.hits).toBe(before + 3);
  });

  it('honours Cache-Control when cache_control is on', async () => {
    await route('cc', { cache_control: true });
    const before = up.hits;
    // No freshness information: not cacheable under RFC 7234.
    expect((await node.proxy('GET', '/cc/none')).headers['x-cache-status']).toBe('Bypass');
    const maxAge = { 'x-reply-header-cache-control': 'public, max-age=60' };
    expect((await node.proxy('GET', '/cc/fresh', maxAge)).headers['x-cache-status']).toBe('Miss');
    expect((await node.proxy('GET', '/cc/fresh', maxAge)).headers['x-cache-status']).toBe('Hit');
    // The client may refuse the cached copy, or ask for one no older than 0 s.
    expect((await node.proxy('GET', '/cc/fresh', { ...maxAge, 'cache-control': 'no-store' })).headers['x-cache-status']).toBe('Bypass');
    const priv = { 'x-reply-header-cache-control': 'private, max-age=60' };
    expect((await node.proxy('GET', '/cc/private', priv)).headers['x-cache-status']).toBe('Bypass');
    expect((await node.proxy('GET', '/cc/private', priv)).headers['x-cache-status']).toBe('Bypass');
    const noStore = { 'x-reply-header-cache-control': 'no-store' };
    expect((await node.proxy('GET', '/cc/nostore', noStore)).headers['x-cache-status']).toBe('Bypass');
    // Requests with credentials are never served from or stored in the cache.
    expect((await node.proxy('GET', '/cc/fresh', { authorization: 'Bearer x' })).headers['x-cache-status']).toBe('Bypass');
    // only-if-cached with nothing cached: 504.
    expect((await node.proxy('GET', '/cc/absent', { 'cache-control': 'only-if-cached' })).status).toBe(504);
    expect(up.hits).toBe(before + 7);
  });

  it('stays within mem_cache_size by evicting the least recently used responses', async () => {
    await route('lru', {});
    const big = 'x'.repeat(6000);
    const get = (p: string) => node.proxy('GET', `/lru/${p}`, { 'x-reply-body': big });
    for (const p of ['1', '2', '3']) expect((await get(p)).headers['x-cache-status']).toBe('Miss');
    expect((await get('3')).headers['x-cache-status']).toBe('Hit');
    // 24k hold three of these at most: more entries push the oldest out.
    for (const p of ['4', '5', '6']) await get(p);
    expect((await get('1')).headers['x-cache-status']).toBe('Miss');
    expect((await get('6')).headers['x-cache-status']).toBe('Hit');
  });

  it("follows Kong's Get Started proxy caching walkthrough", async () => {
    await must(node.admin('POST', '/services', { name: 'example_service', url: up.url }));
    await must(node.admin('POST', '/services/example_service/routes', undefined, [['name', 'example_route'], ['paths[]', '/mock']]));
    // curl -i -X POST http://localhost:8001/plugins --data "name=proxy-cache" --data "config.request_method=GET" ...
    const plugin = await must(
      node.admin('POST', '/plugins', undefined, [
        ['name', 'proxy-cache'],
        ['config.request_method', 'GET'],
        ['config.response_code', '200'],
        ['config.content_type', 'application/json'],
        ['config.cache_ttl', '30'],
        ['config.strategy', 'memory'],
      ]),
    );
    expect(plugin.config).toMatchObject({ request_method: ['GET'], response_code: [200], content_type: ['application/json'], cache_ttl: 30, strategy: 'memory' });
    const first = await eventually(() => node.proxy('GET', '/mock/anything'), (r) => r.headers['x-cache-status'] !== undefined);
    expect(first.headers['x-cache-status']).toBe('Miss');
    expect(first.headers['x-cache-key']).toMatch(/^[0-9a-f]{64}$/);
    const second = await node.proxy('GET', '/mock/anything');
    expect(second.headers['x-cache-status']).toBe('Hit');
    expect(second.headers['x-cache-key']).toBe(first.headers['x-cache-key']);
    // curl -i -X DELETE http://localhost:8001/proxy-cache
    expect((await node.admin('DELETE', '/proxy-cache')).status).toBe(204);
    expect((await node.proxy('GET', '/mock/anything')).headers['x-cache-status']).toBe('Miss');
    await must(node.admin('DELETE', `/plugins/${plugin.id}`), 204);
  });
});
