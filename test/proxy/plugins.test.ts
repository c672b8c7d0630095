import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { must, startProxyNode, type ProxyNode } from './proxy-node.js';
import { logged, registerTestPlugins } from './test-plugins.js';

let node: ProxyNode;
let echo: EchoServer;
const ids: Record<string, string> = {};

async function waitForLog(entry: string): Promise<boolean> {
  for (let i = 0; i < 100 && !logged.includes(entry); i++) await new Promise((r) => setTimeout(r, 10));
  return logged.includes(entry);
}

beforeAll(async () => {
  registerTestPlugins();
  echo = await startEchoServer();
  node = await startProxyNode();
  const s1 = await must(node.admin('POST', '/services', { name: 's1', url: echo.url }));
  const s2 = await must(node.admin('POST', '/services', { name: 's2', url: echo.url }));
  for (const [name, service, path] of [['r1', 's1', '/r1'], ['r2', 's1', '/r2'], ['r3', 's2', '/r3'], ['r4', 's2', '/r4'], ['r5', 's2', '/r5'], ['r6', 's2', '/r6'], ['r7', 's2', '/r7']]) {
    ids[name] = (await must(node.admin('POST', `/services/${service}/routes`, { name, paths: [path] }))).id;
  }
  ids.alice = (await must(node.admin('POST', '/consumers', { username: 'alice' }))).id;
  ids.bob = (await must(node.admin('POST', '/consumers', { username: 'bob' }))).id;
  const plugin = (body: Record<string, unknown>) => must(node.admin('POST', '/plugins', body));
  await plugin({ name: 'test-auth' });
  await plugin({ name: 'test-tagger', config: { tag: 'global' } });
  await plugin({ name: 'test-tagger', service: { id: s1.id }, config: { tag: 'service' } });
  await plugin({ name: 'test-tagger', route: { id: ids.r1 }, config: { tag: 'route' } });
  await plugin({ name: 'test-tagger', consumer: { id: ids.alice }, config: { tag: 'consumer' } });
  await plugin({ name: 'test-tagger', route: { id: ids.r1 }, consumer: { id: ids.bob }, config: { tag: 'route+consumer' } });
  await plugin({ name: 'test-tagger', route: { id: ids.r4 }, config: { tag: 'exit', exit: 403 } });
  await plugin({ name: 'test-crash', route: { id: ids.r4 } });
  await plugin({ name: 'test-crash', route: { id: ids.r5 } });
  await plugin({ name: 'test-shout', route: { id: ids.r6 } });
  await plugin({ name: 'test-shout', route: { id: ids.r7 }, enabled: false });
  void s2;
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await echo?.close();
});

describe('plugin precedence (Kong plugins_iterator order)', () => {
  const tagFor = async (path: string, user?: string) => (await node.proxy('GET', path, user ? { 'x-user': user } : {})).json.headers['x-tag'];

  it('route beats service beats global', async () => {
    expect(await tagFor('/r1')).toBe('route');
    expect(await tagFor('/r2')).toBe('service');
    expect(await tagFor('/r3')).toBe('global');
  });

  it('re-resolves after authentication: consumer beats route, route+consumer beats consumer', async () => {
    expect(await tagFor('/r1', 'alice')).toBe('consumer');
    expect(await tagFor('/r1', 'bob')).toBe('route+consumer');
    expect(await tagFor('/r3', 'bob')).toBe('global');
  });
});

describe('phases', () => {
  it('runs rewrite, access and headerFilter in order and keeps kong.ctx.plugin per plugin', async () => {
    const res = await node.proxy('GET', '/r2');
    expect(res.headers['x-trace']).toBe('rewrite,access,header');
    expect(res.headers['x-tag-seen']).toBe('service');
    expect(res.headers['x-plugin-ctx']).toBe('service');
    expect(await waitForLog('service 200')).toBe(true);
  });

  it('short-circuits on kong.response.exit: lower-priority access handlers do not run, later phases do', async () => {
    const before = echo.count;
    const res = await node.proxy('GET', '/r4');
    expect(res.status).toBe(403);
    expect(echo.count).toBe(before);
    expect(res.json).toEqual({ message: 'stopped by exit' });
    expect(res.headers['x-tag-seen']).toBe('exit');
    expect(res.headers['x-kong-response-latency']).toBeDefined();
    expect(await waitForLog('exit 403')).toBe(true);
  });

  it('turns a throwing plugin into 500 and keeps serving', async () => {
    const res = await node.proxy('GET', '/r5', { accept: 'application/json' });
    expect(res.status).toBe(500);
    expect(res.json.message).toBe('An unexpected error occurred');
    expect((await node.proxy('GET', '/r3')).status).toBe(200);
  });

  it('buffers bodies on demand: request body rewritten, response body filtered', async () => {
    const res = await node.proxy('POST', '/r6', { 'content-type': 'text/plain' }, 'hello');
    expect(res.status).toBe(200);
    expect(res.text).toContain('"BODY":"HELLO!"');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
  });

  it('skips disabled plugin instances', async () => {
    const res = await node.proxy('POST', '/r7', { 'content-type': 'text/plain' }, 'hello');
    expect(res.json.body).toBe('hello');
  });

  it('lists the test plugins as available and enabled on GET /', async () => {
    const info = await (await fetch(node.adminUrl)).json();
    expect(Object.keys(info.plugins.available_on_server)).toContain('test-tagger');
    expect(info.plugins.enabled_in_cluster).toContain('test-crash');
  });
});
