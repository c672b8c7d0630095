import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { must, startProxyNode, type ProxyNode } from './proxy-node.js';

let node: ProxyNode;
let echo: EchoServer;
let logPath: string;
let consumerId: string;
let credentialId: string;
let routeId: string;

async function records(): Promise<any[]> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(logPath)) {
      const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
      if (lines.length > 0) return lines.map((l) => JSON.parse(l));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return [];
}

beforeAll(async () => {
  echo = await startEchoServer();
  node = await startProxyNode();
  logPath = join(node.prefix, 'logs', 'record.json');
  const service = await must(node.admin('POST', '/services', { name: 'logged', url: `${echo.url}/up` }));
  routeId = (await must(node.admin('POST', `/services/${service.id}/routes`, { name: 'logged', paths: ['/logged'] }))).id;
  consumerId = (await must(node.admin('POST', '/consumers', { username: 'writer' }))).id;
  credentialId = (await must(node.admin('POST', `/consumers/${consumerId}/key-auth`, { key: 'secret-key' }))).id;
  await must(node.admin('POST', `/routes/${routeId}/plugins`, { name: 'key-auth' }));
  await must(node.admin('POST', `/routes/${routeId}/plugins`, { name: 'file-log', config: { path: logPath } }));
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await echo?.close();
});

describe('log record of a proxied request (file-log)', () => {
  it('a POST with a body through key-auth yields a full Kong-shaped record', async () => {
    const body = JSON.stringify({ hello: 'world', pad: 'x'.repeat(500) });
    let reply = await node.proxy('POST', '/logged/items?a=1&a=2&flag&e=', { host: 'api.test', apikey: 'secret-key', 'content-type': 'application/json', authorization: 'Bearer t' }, body);
    for (let i = 0; i < 100 && reply.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 20));
      reply = await node.proxy('POST', '/logged/items?a=1&a=2&flag&e=', { host: 'api.test', apikey: 'secret-key', 'content-type': 'application/json', authorization: 'Bearer t' }, body);
    }
    expect(reply.status).toBe(200);
    const [rec] = await records();
    expect(rec).toBeDefined();
    expect(rec.request.method).toBe('POST');
    expect(rec.request.uri).toBe('/logged/items?a=1&a=2&flag&e=');
    expect(rec.request.url).toBe(`http://api.test:${node.proxyPort}/logged/items?a=1&a=2&flag&e=`);
    expect(rec.request.querystring).toEqual({ a: ['1', '2'], flag: true, e: '' });
    expect(rec.request.headers.authorization).toBe('REDACTED');
    expect(rec.request.headers.apikey).toBe('secret-key');
    // request_length counts the request line, the headers and the body.
    expect(rec.request.size).toBeGreaterThan(body.length + 100);
    expect(rec.request.id).toMatch(/^[0-9a-f]{32}$/);
    expect(rec.upstream_uri).toBe('/up/items?a=1&a=2&flag&e=');
    expect(rec.upstream_status).toBe('200');
    expect(rec.response.status).toBe(200);
    expect(rec.response.headers['content-type']).toMatch(/json/);
    expect(rec.response.headers.via).toMatch(/kong/);
    expect(rec.response.headers['x-kong-upstream-latency']).toBeDefined();
    // bytes_sent: status line, headers and body; the echo body repeats the request body.
    expect(rec.response.size).toBeGreaterThan(reply.text.length);
    expect(rec.authenticated_entity).toEqual({ id: credentialId, consumer_id: consumerId });
    expect(rec.consumer).toMatchObject({ id: consumerId, username: 'writer' });
    expect(rec.route.id).toBe(routeId);
    expect(rec.service.name).toBe('logged');
    expect(rec.tries).toHaveLength(1);
    expect(rec.tries[0]).toMatchObject({ ip: '127.0.0.1', port: echo.port });
    expect(typeof rec.tries[0].balancer_start).toBe('number');
    expect(typeof rec.tries[0].balancer_latency).toBe('number');
    for (const k of ['kong', 'proxy', 'request', 'receive']) expect(rec.latencies[k]).toBeGreaterThanOrEqual(0);
    expect(rec.latencies.request).toBeGreaterThanOrEqual(rec.latencies.proxy);
    expect(rec.client_ip).toBe('127.0.0.1');
    expect(rec.source).toBe('upstream');
    expect(Math.abs(Date.now() - rec.started_at)).toBeLessThan(60_000);
  });

  it('a rejected request is logged with Kong as the source and no upstream', async () => {
    const before = (await records()).length;
    const reply = await node.proxy('POST', '/logged/denied', { host: 'api.test', 'content-type': 'text/plain' }, 'some body');
    expect(reply.status).toBe(401);
    let all = await records();
    for (let i = 0; i < 200 && all.length === before; i++) {
      await new Promise((r) => setTimeout(r, 10));
      all = await records();
    }
    const rec = all[all.length - 1];
    expect(rec.request.uri).toBe('/logged/denied');
    expect(rec.response.status).toBe(401);
    expect(rec.source).toBe('kong');
    expect(rec.upstream_uri).toBe('');
    expect(rec.latencies.proxy).toBe(-1);
    expect(rec.tries).toBeUndefined();
    expect(rec.authenticated_entity).toBeUndefined();
    expect(rec.response.size).toBeGreaterThan(reply.text.length);
  });
});
