import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { must, startProxyNode, type ProxyNode } from './proxy-node.js';

let node: ProxyNode;
let echo: EchoServer;

beforeAll(async () => {
  echo = await startEchoServer();
  node = await startProxyNode();
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await echo?.close();
});

describe("Kong's Get Started walkthrough", () => {
  it('answers 404 with Kong body when no route matches', async () => {
    const res = await node.proxy('GET', '/nothing-here', { accept: 'application/json' });
    expect(res.status).toBe(404);
    expect(res.json.message).toBe('no Route matched with those values');
    expect(res.json.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers['x-kong-request-id']).toBe(res.json.request_id);
    expect(res.headers.server).toMatch(/^kong\//);
    expect(res.headers['x-kong-response-latency']).toBeDefined();
  });

  it('creates a service and a route, then proxies through them on the very next request', async () => {
    await must(node.admin('POST', '/services', { name: 'example_service', url: `${echo.url}/anything` }));
    await must(node.admin('POST', '/services/example_service/routes', { name: 'example_route', paths: ['/mock'] }));
    const res = await node.proxy('GET', '/mock/hello?x=1&y', { 'user-agent': 'curl/8' });
    expect(res.status).toBe(200);
    expect(res.json.path).toBe('/anything/hello');
    expect(res.json.query).toBe('x=1&y');
    expect(res.json.headers.host).toBe(`127.0.0.1:${echo.port}`);
    expect(res.json.headers['x-forwarded-prefix']).toBe('/mock');
    expect(res.json.headers['x-forwarded-path']).toBe('/mock/hello');
    expect(res.headers.via).toMatch(/^1\.1 kong\//);
    expect(res.headers['x-kong-upstream-latency']).toMatch(/^\d+$/);
    expect(res.headers['x-kong-proxy-latency']).toMatch(/^\d+$/);
  });

  it('sees a route update on the next request after the Admin API answered', async () => {
    await must(node.admin('PATCH', '/routes/example_route', { paths: ['/changed'] }), 200);
    expect((await node.proxy('GET', '/changed/x')).status).toBe(200);
    expect((await node.proxy('GET', '/mock/x')).status).toBe(404);
    await must(node.admin('DELETE', '/routes/example_route'), 204);
    expect((await node.proxy('GET', '/changed/x')).status).toBe(404);
  });

  it('reports the configuration hash and counters on /status', async () => {
    const res = await fetch(`${node.adminUrl}/status`);
    const body = await res.json();
    expect(body.configuration_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(body.server.total_requests).toBeGreaterThan(0);
    expect(body.server.connections_accepted).toBeGreaterThan(0);
  });
});
