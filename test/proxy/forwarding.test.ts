import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort, startEchoServer, type EchoServer } from '../harness/upstream.js';
import { must, startProxyNode, type ProxyNode } from './proxy-node.js';

let node: ProxyNode;
let echo: EchoServer;

beforeAll(async () => {
  echo = await startEchoServer();
  node = await startProxyNode();
  await must(node.admin('POST', '/services', { name: 'echo', url: `${echo.url}/base` }));
  await must(node.admin('POST', '/services/echo/routes', { name: 'strip', paths: ['/strip'] }));
  await must(node.admin('POST', '/services/echo/routes', { name: 'keep', paths: ['/keep'], strip_path: false }));
  await must(node.admin('POST', '/services/echo/routes', { name: 'preserve', hosts: ['preserved.com'], preserve_host: true }));
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await echo?.close();
});

describe('upstream path and Host', () => {
  it('strips the matched prefix and joins with the service path', async () => {
    const res = await node.proxy('GET', '/strip/a/b?q=%7C');
    expect(res.json.path).toBe('/base/a/b');
    expect(res.json.query).toBe('q=%7C');
  });

  it('keeps the prefix with strip_path=false', async () => {
    const res = await node.proxy('GET', '/keep/x');
    expect(res.json.path).toBe('/base/keep/x');
    expect(res.json.headers['x-forwarded-prefix']).toBeUndefined();
  });

  it('sends the service host and port without preserve_host, the client Host with it', async () => {
    expect((await node.proxy('GET', '/strip')).json.headers.host).toBe(`127.0.0.1:${echo.port}`);
    const res = await node.proxy('GET', '/anything', { host: 'preserved.com:123' });
    expect(res.status).toBe(200);
    expect(res.json.headers.host).toBe('preserved.com:123');
  });
});

describe('request headers toward the upstream', () => {
  it('adds X-Forwarded-*, X-Real-IP, Via and the request id; overwrites untrusted forwarded values', async () => {
    const res = await node.proxy('GET', '/strip/h', {
      host: 'Example.COM:8080',
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.test',
      via: '1.1 dev',
    });
    const h = res.json.headers;
    expect(h['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(h['x-real-ip']).toBe('127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toBe('example.com');
    expect(h['x-forwarded-port']).toBe(String(node.proxyPort));
    expect(h['x-forwarded-path']).toBe('/strip/h');
    expect(h['x-forwarded-prefix']).toBe('/strip');
    expect(h.via).toMatch(/^1\.1 dev, 1\.1 kong\/\d/);
    expect(h['x-kong-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers['x-kong-request-id']).toBe(h['x-kong-request-id']);
  });

  it('drops hop-by-hop headers and those named in Connection', async () => {
    const res = await node.proxy('GET', '/strip', { connection: 'keep-alive, X-Drop-Me', 'x-drop-me': '1', 'proxy-connection': 'x', 'x-stay': '1' });
    expect(res.json.headers['x-drop-me']).toBeUndefined();
    expect(res.json.headers['proxy-connection']).toBeUndefined();
    expect(res.json.headers['x-stay']).toBe('1');
  });

  it('streams request bodies', async () => {
    const body = 'x'.repeat(200_000);
    const res = await node.proxy('POST', '/strip/upload', { 'content-type': 'text/plain' }, body);
    expect(res.json.method).toBe('POST');
    expect(res.json.body.length).toBe(body.length);
  });
});

describe('upstream failures', () => {
  it('answers 504 in error_default_type (text/plain) when the upstream is too slow', async () => {
    await must(node.admin('POST', '/services', { name: 'slow', url: echo.url, read_timeout: 150, retries: 0 }));
    await must(node.admin('POST', '/services/slow/routes', { paths: ['/slow'] }));
    const res = await node.proxy('GET', '/slow', { 'x-echo-delay': '1500' });
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe(`The upstream server is timing out\nrequest_id: ${res.headers['x-kong-request-id']}\n`);
    const json = await node.proxy('GET', '/slow', { 'x-echo-delay': '1500', accept: 'application/json' });
    expect(json.status).toBe(504);
    expect(json.json.message).toBe('The upstream server is timing out');
  });

  it('answers 502 when the upstream refuses connections', async () => {
    await must(node.admin('POST', '/services', { name: 'dead', url: `http://127.0.0.1:${await deadPort()}`, retries: 2 }));
    await must(node.admin('POST', '/services/dead/routes', { paths: ['/dead'] }));
    const res = await node.proxy('GET', '/dead', { accept: 'application/json' });
    expect(res.status).toBe(502);
    expect(res.json.message).toBe('An invalid response was received from the upstream server');
  });

  it('retries a connection failure on another target of the upstream', async () => {
    await must(node.admin('POST', '/upstreams', { name: 'half-dead' }));
    await must(node.admin('POST', '/upstreams/half-dead/targets', { target: `127.0.0.1:${await deadPort()}` }));
    await must(node.admin('POST', '/upstreams/half-dead/targets', { target: `127.0.0.1:${echo.port}` }));
    await must(node.admin('POST', '/services', { name: 'half', host: 'half-dead', retries: 3 }));
    await must(node.admin('POST', '/services/half/routes', { paths: ['/half'] }));
    for (let i = 0; i < 6; i++) {
      const res = await node.proxy('GET', '/half');
      expect(res.status).toBe(200);
      expect(res.json.port).toBe(echo.port);
    }
  });

  it('answers 503 when an upstream has no target to pick', async () => {
    await must(node.admin('POST', '/upstreams', { name: 'empty' }));
    await must(node.admin('POST', '/services', { name: 'nobody', host: 'empty' }));
    await must(node.admin('POST', '/services/nobody/routes', { paths: ['/nobody'] }));
    const res = await node.proxy('GET', '/nobody');
    expect(res.status).toBe(503);
    expect(res.json.message).toBe('failure to get a peer from the ring-balancer');
  });
});
