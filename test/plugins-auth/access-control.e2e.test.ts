/** acl, ip-restriction and request-size-limiting end to end through a real node. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, eventually, must, type TestNode } from './node-harness.js';
import { startEchoServer as startEchoUpstream, type EchoReply as EchoedRequest } from '../harness/upstream.js';

let n: TestNode;
let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;

async function send(path: string, init: RequestInit = {}) {
  const res = await fetch(n.proxyUrl + path, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

async function serviceWithRoute(name: string, path: string): Promise<void> {
  await must(n.admin('POST', '/services', [['name', name], ['url', upstream.url]]));
  await must(n.admin('POST', `/services/${name}/routes`, [['name', `${name}_route`], ['paths[]', path]]));
}

beforeAll(async () => {
  upstream = await startEchoUpstream();
  n = await startTestNode({ trusted_ips: '127.0.0.1', real_ip_header: 'X-Forwarded-For' });
  await must(n.admin('POST', '/consumers', [['username', 'dev-user']]));
  await must(n.admin('POST', '/consumers', [['username', 'guest']]));
  await must(n.admin('POST', '/consumers/dev-user/key-auth', [['key', 'dev-key']]));
  await must(n.admin('POST', '/consumers/guest/key-auth', [['key', 'guest-key']]));
  await must(n.admin('POST', '/consumers/dev-user/acls', [['group', 'dev']]));
  await must(n.admin('POST', '/consumers/dev-user/acls', [['group', 'ops']]));
}, 60_000);

afterAll(async () => {
  await n?.stop();
  await upstream?.close();
});

describe('acl', () => {
  beforeAll(async () => {
    await serviceWithRoute('acl_allow', '/acl-allow');
    await must(n.admin('POST', '/services/acl_allow/plugins', [['name', 'key-auth']]));
    await must(n.admin('POST', '/services/acl_allow/plugins', [['name', 'acl'], ['config.allow', 'dev']]));
    await serviceWithRoute('acl_deny', '/acl-deny');
    await must(n.admin('POST', '/services/acl_deny/plugins', [['name', 'key-auth']]));
    await must(n.admin('POST', '/services/acl_deny/plugins', [['name', 'acl'], ['config.deny', 'ops'], ['config.hide_groups_header', 'true']]));
    await serviceWithRoute('acl_only', '/acl-only');
    await must(n.admin('POST', '/services/acl_only/plugins', [['name', 'acl'], ['config.allow', 'dev']]));
    await eventually(() => send('/acl-only'), (r) => r.status === 401);
  });

  it('lets a member of an allowed group through with X-Consumer-Groups', async () => {
    const res = await eventually(() => send('/acl-allow', { headers: { apikey: 'dev-key' } }), (r) => r.status === 200);
    expect(res.status).toBe(200);
    expect((res.body as EchoedRequest).headers['x-consumer-groups']).toBe('dev, ops');
  });

  it('refuses a consumer outside the allow list with 403', async () => {
    const res = await send('/acl-allow', { headers: { apikey: 'guest-key' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ message: 'You cannot consume this service' });
  });

  it('refuses denied groups, passes others, and can hide the groups header', async () => {
    expect((await send('/acl-deny', { headers: { apikey: 'dev-key' } })).status).toBe(403);
    const guest = await send('/acl-deny', { headers: { apikey: 'guest-key' } });
    expect(guest.status).toBe(200);
    expect((guest.body as EchoedRequest).headers['x-consumer-groups']).toBeUndefined();
  });

  it('answers 401 when no consumer was identified', async () => {
    const res = await send('/acl-only');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: 'Unauthorized' });
  });

  it('follows group changes made through the Admin API', async () => {
    await must(n.admin('POST', '/consumers/guest/acls', [['group', 'dev']]));
    const res = await eventually(() => send('/acl-allow', { headers: { apikey: 'guest-key' } }), (r) => r.status === 200);
    expect(res.status).toBe(200);
  });
});

describe('ip-restriction', () => {
  beforeAll(async () => {
    await serviceWithRoute('ip_deny', '/ip-deny');
    await must(n.admin('POST', '/services/ip_deny/plugins', [['name', 'ip-restriction'], ['config.deny', '127.0.0.0/8'], ['config.deny', '::1']]));
    await serviceWithRoute('ip_allow', '/ip-allow');
    await must(n.admin('POST', '/services/ip_allow/plugins', [['name', 'ip-restriction'], ['config.allow', '10.0.0.0/8'], ['config.status', '401'], ['config.message', 'go away']]));
    await serviceWithRoute('ip_v6', '/ip-v6');
    await must(n.admin('POST', '/services/ip_v6/plugins', [['name', 'ip-restriction'], ['config.allow', '2001:db8::/32']]));
    await eventually(() => send('/ip-v6'), (r) => r.status === 403);
  });

  it('refuses a denied client with the IP in the message', async () => {
    const res = await eventually(() => send('/ip-deny'), (r) => r.status === 403);
    expect(res.body).toMatchObject({ message: 'IP address not allowed: 127.0.0.1' });
  });

  it('honours a custom status and message', async () => {
    const res = await eventually(() => send('/ip-allow'), (r) => r.status === 401);
    expect(res.body).toMatchObject({ message: 'go away' });
  });

  it('uses the real client IP from a trusted proxy, IPv4 and IPv6', async () => {
    expect((await send('/ip-allow', { headers: { 'x-forwarded-for': '10.1.2.3' } })).status).toBe(200);
    expect((await send('/ip-deny', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    expect((await send('/ip-v6', { headers: { 'x-forwarded-for': '2001:db8::42' } })).status).toBe(200);
    const refused = await send('/ip-v6', { headers: { 'x-forwarded-for': '2001:db9::42' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: 'IP address not allowed: 2001:db9::42' });
  });
});

describe('request-size-limiting', () => {
  beforeAll(async () => {
    await serviceWithRoute('size_small', '/size');
    await must(n.admin('POST', '/services/size_small/plugins', [['name', 'request-size-limiting'], ['config.allowed_payload_size', '10'], ['config.size_unit', 'bytes']]));
    await serviceWithRoute('size_cl', '/size-cl');
    await must(n.admin('POST', '/services/size_cl/plugins', [['name', 'request-size-limiting'], ['config.require_content_length', 'true']]));
    await eventually(() => send('/size', { method: 'POST', body: 'x'.repeat(11) }), (r) => r.status === 413);
  });

  it('passes a body within the limit and refuses a larger Content-Length with 413', async () => {
    expect((await send('/size', { method: 'POST', body: 'x'.repeat(10) })).status).toBe(200);
    const res = await send('/size', { method: 'POST', body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ message: 'Request size limit exceeded' });
  });

  function chunked(path: string, chunks: string[]): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const url = new URL(n.proxyUrl + path);
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      req.end();
    });
  }

  it('measures chunked bodies that carry no Content-Length', async () => {
    const over = await chunked('/size', ['12345', '67890', 'X']);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({ message: 'Request size limit exceeded' });
    expect((await chunked('/size', ['12345', '6789'])).status).toBe(200);
  });

  it('requires a Content-Length when configured, except for chunked bodies', async () => {
    const res = await eventually(() => send('/size-cl'), (r) => r.status === 411);
    expect(res.body).toMatchObject({ message: 'A valid Content-Length header is required' });
    expect((await chunked('/size-cl', ['abc'])).status).toBe(200);
    expect((await send('/size-cl', { method: 'POST', body: 'abc' })).status).toBe(200);
  });
});
