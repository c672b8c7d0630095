/** key-auth and basic-auth end to end, configured as Kong's "Key Authentication" walkthrough does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, eventually, must, type TestNode } from './node-harness.js';
import { startEchoServer as startEchoUpstream, type EchoReply as EchoedRequest } from '../harness/upstream.js';

let n: TestNode;
let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(n.proxyUrl + path, { headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

beforeAll(async () => {
  upstream = await startEchoUpstream();
  n = await startTestNode();
  await must(n.admin('POST', '/services', [['name', 'example_service'], ['url', upstream.url]]));
  await must(n.admin('POST', '/services/example_service/routes', [['name', 'example_route'], ['paths[]', '/mock']]));
  await must(n.admin('POST', '/services/example_service/routes', [['name', 'open_route'], ['paths[]', '/open']]));
  await must(n.admin('POST', '/consumers', [['username', 'luka'], ['custom_id', 'luka-1']]));
  await must(n.admin('POST', '/consumers', [['username', 'anon']]));
}, 60_000);

afterAll(async () => {
  await n?.stop();
  await upstream?.close();
});

describe('key-auth', () => {
  let credentialId: string;

  beforeAll(async () => {
    await must(n.admin('POST', '/routes/example_route/plugins', [['name', 'key-auth'], ['config.realm', 'mock']]));
    const cred = await must(n.admin('POST', '/consumers/luka/key-auth', [['key', 'top-secret-key']]));
    credentialId = cred.id;
    await eventually(() => get('/mock', { apikey: 'top-secret-key' }), (r) => r.status === 200);
  });

  it('answers 401 without a key, with the realm challenge', async () => {
    const res = await get('/mock');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: 'No API key found in request' });
    expect(res.headers.get('www-authenticate')).toBe('Key realm="mock"');
  });

  it('answers 401 Unauthorized for an unknown key', async () => {
    const res = await get('/mock', { apikey: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: 'Unauthorized' });
  });

  it('refuses a key sent twice', async () => {
    const res = await get('/mock?apikey=a&apikey=b');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: 'Duplicate API key found' });
  });

  it('proxies with consumer headers for a key in a header or the query string', async () => {
    for (const res of [await get('/mock', { apikey: 'top-secret-key' }), await get('/mock?apikey=top-secret-key')]) {
      expect(res.status).toBe(200);
      const seen = res.body as EchoedRequest;
      expect(seen.headers['x-consumer-username']).toBe('luka');
      expect(seen.headers['x-consumer-custom-id']).toBe('luka-1');
      expect(seen.headers['x-credential-identifier']).toBe(credentialId);
      expect(typeof seen.headers['x-consumer-id']).toBe('string');
      expect(seen.headers['x-anonymous-consumer']).toBeUndefined();
    }
  });

  it('does not guard routes it is not scoped to', async () => {
    expect((await get('/open')).status).toBe(200);
  });

  it('generates a key when none is given and lists credentials under /key-auths', async () => {
    const cred = await must(n.admin('POST', '/consumers/luka/key-auth'));
    expect(typeof cred.key).toBe('string');
    expect(cred.consumer).toEqual({ id: expect.any(String) });
    const list = await must(n.admin('GET', '/key-auths'), 200);
    expect(list.data.map((c: any) => c.key)).toEqual(expect.arrayContaining(['top-secret-key', cred.key]));
    const ok = await eventually(() => get('/mock', { apikey: cred.key }), (r) => r.status === 200);
    expect(ok.status).toBe(200);
  });

  it('rejects a duplicate key with a unique violation', async () => {
    const res = await n.admin('POST', '/consumers/luka/key-auth', [['key', 'top-secret-key']]);
    expect(res.status).toBe(409);
  });
});

describe('key-auth hide_credentials and anonymous (service scope)', () => {
  beforeAll(async () => {
    await must(n.admin('POST', '/services', [['name', 'hidden_service'], ['url', upstream.url]]));
    await must(n.admin('POST', '/services/hidden_service/routes', [['paths[]', '/hidden']]));
    await must(n.admin('POST', '/services/hidden_service/plugins', [['name', 'key-auth'], ['config.hide_credentials', 'true'], ['config.anonymous', 'anon']]));
    await eventually(() => get('/hidden', { apikey: 'top-secret-key' }), (r) => r.status === 200 && (r.body as EchoedRequest).headers['x-consumer-username'] === 'luka');
  });

  it('strips the key from headers and query before proxying', async () => {
    const viaHeader = (await get('/hidden', { apikey: 'top-secret-key' })).body as EchoedRequest;
    expect(viaHeader.headers.apikey).toBeUndefined();
    const viaQuery = (await get('/hidden?apikey=top-secret-key&keep=1')).body as EchoedRequest;
    expect(viaQuery.url).not.toContain('apikey');
    expect(viaQuery.url).toContain('keep=1');
  });

  it('falls back to the anonymous consumer', async () => {
    const res = await get('/hidden', { apikey: 'wrong' });
    expect(res.status).toBe(200);
    const seen = res.body as EchoedRequest;
    expect(seen.headers['x-consumer-username']).toBe('anon');
    expect(seen.headers['x-anonymous-consumer']).toBe('true');
    expect(seen.headers['x-credential-identifier']).toBeUndefined();
  });
});

describe('basic-auth', () => {
  beforeAll(async () => {
    await must(n.admin('POST', '/services', [['name', 'basic_service'], ['url', upstream.url]]));
    await must(n.admin('POST', '/services/basic_service/routes', [['paths[]', '/basic']]));
    await must(n.admin('POST', '/services/basic_service/plugins', [['name', 'basic-auth'], ['config.hide_credentials', 'true']]));
  });

  const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

  it('stores the password hashed and never returns it in clear', async () => {
    const cred = await must(n.admin('POST', '/consumers/luka/basic-auth', [['username', 'luka-basic'], ['password', 's3cret']]));
    expect(cred.password).not.toBe('s3cret');
    const listed = await must(n.admin('GET', '/basic-auths'), 200);
    expect(JSON.stringify(listed)).not.toContain('s3cret');
  });

  it('authenticates the right password and hides the header', async () => {
    const res = await eventually(() => get('/basic', basic('luka-basic', 's3cret')), (r) => r.status === 200);
    expect(res.status).toBe(200);
    const seen = res.body as EchoedRequest;
    expect(seen.headers['x-consumer-username']).toBe('luka');
    expect(seen.headers['x-credential-identifier']).toBe('luka-basic');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('answers 401 Unauthorized with the realm for a wrong password or none', async () => {
    for (const res of [await get('/basic', basic('luka-basic', 'wrong')), await get('/basic')]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ message: 'Unauthorized' });
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="service"');
    }
  });
});
