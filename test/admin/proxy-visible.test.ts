/**
 * What the Admin API writes is what the proxy serves, on the embedded store and on PostgreSQL:
 * SNIs given as a certificate's `snis` pick the TLS certificate, and a key-auth key whose ttl
 * has passed is refused even though no write happened since.
 */
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerCertificate } from '../../src/pki/index.js';
import { DATASTORE_KINDS, prepareNodeDatastore, type TestNodeDatastore } from '../harness/datastores.js';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { must, startProxyNode, type ProxyNode } from '../proxy/proxy-node.js';

function peerCertificate(port: number, servername: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The CN served for `servername` once the proxy has taken the last Admin API write in: TLS
 * picks its certificate from the snapshot in force, which a write replaces a few ms later.
 */
async function servedCn(node: ProxyNode, servername: string, expected: string): Promise<string | undefined> {
  const deadline = Date.now() + 10_000;
  let cn: string | undefined;
  do {
    const subject = (await peerCertificate(node.tlsPort, servername)).subject.CN;
    cn = Array.isArray(subject) ? subject.join(',') : subject;
    if (cn === expected) return cn;
    await sleep(20);
  } while (Date.now() < deadline);
  return cn;
}

describe.each(DATASTORE_KINDS)('Admin API writes seen by the proxy on %s', (kind) => {
  let store: TestNodeDatastore;
  let node: ProxyNode;
  let echo: EchoServer;

  beforeAll(async () => {
    store = await prepareNodeDatastore(kind);
    // The store's KONG_* settings (its prefix included) passed as node settings.
    const settings = Object.fromEntries(Object.entries(store.env).map(([k, v]) => [k.replace(/^KONG_/, '').toLowerCase(), v]));
    echo = await startEchoServer();
    node = await startProxyNode(settings);
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    await echo?.close();
    await store?.destroy();
  });

  it("serves a certificate by the snis given on it, and follows PATCH and DELETE", async () => {
    const leaf = await createServerCertificate({ names: ['one.visible.test'], keyType: 'ec' });
    const cert = await must(node.admin('POST', '/certificates', { cert: leaf.certPem, key: leaf.keyPem, snis: ['one.visible.test', '*.many.visible.test'] }));
    expect(await servedCn(node, 'one.visible.test', 'one.visible.test')).toBe('one.visible.test');
    expect(await servedCn(node, 'a.many.visible.test', 'one.visible.test')).toBe('one.visible.test');

    await must(node.admin('PATCH', `/certificates/${cert.id}`, { snis: ['two.visible.test'] }), 200);
    expect(await servedCn(node, 'two.visible.test', 'one.visible.test')).toBe('one.visible.test');
    expect(await servedCn(node, 'one.visible.test', 'localhost')).toBe('localhost');

    await must(node.admin('DELETE', '/certificates/two.visible.test'), 204);
    expect(await servedCn(node, 'two.visible.test', 'localhost')).toBe('localhost');
  });

  it('refuses a key-auth key once its ttl has passed', async () => {
    await must(node.admin('POST', '/services', { name: 'ttl-echo', url: echo.url }));
    const route = await must(node.admin('POST', '/services/ttl-echo/routes', { paths: ['/ttl'] }));
    await must(node.admin('POST', `/routes/${route.id}/plugins`, { name: 'key-auth' }));
    await must(node.admin('POST', '/consumers', { username: 'ttl-proxy' }));
    await must(node.admin('POST', '/consumers/ttl-proxy/key-auth', { key: 'forever' }));
    await must(node.admin('POST', '/consumers/ttl-proxy/key-auth', { key: 'hour', ttl: 3600 }));
    const short = await must(node.admin('POST', '/consumers/ttl-proxy/key-auth', { key: 'second', ttl: 1 }));
    expect(short.ttl).toBeLessThanOrEqual(1);

    expect((await node.proxy('GET', '/ttl', { apikey: 'forever' })).status).toBe(200);
    expect((await node.proxy('GET', '/ttl', { apikey: 'hour' })).status).toBe(200);
    // Past the expiry: nothing was written since, so the snapshot still holds the row.
    await sleep(1100);
    const expired = await node.proxy('GET', '/ttl', { apikey: 'second' });
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ message: 'Unauthorized' });
    expect((await node.admin('GET', '/key-auths/second')).status).toBe(404);
    expect((await node.proxy('GET', '/ttl', { apikey: 'hour' })).status).toBe(200);
  });
});
