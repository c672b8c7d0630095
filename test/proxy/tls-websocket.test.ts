import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createServerCertificate } from '../../src/pki/index.js';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { must, startProxyNode, type ProxyNode } from './proxy-node.js';

let node: ProxyNode;
let echo: EchoServer;

beforeAll(async () => {
  echo = await startEchoServer();
  node = await startProxyNode();
  await must(node.admin('POST', '/services', { name: 'echo', url: echo.url }));
  await must(node.admin('POST', '/services/echo/routes', { name: 'any', paths: ['/'] }));
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await echo?.close();
});

function peerCertificate(servername: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: node.tlsPort, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}

describe('TLS termination', () => {
  it('serves the generated default certificate when no SNI matches', async () => {
    const cert = await peerCertificate('unknown.test');
    expect(cert.subject.CN).toBe('localhost');
  });

  it('picks certificates by SNI: exact first, then wildcard', async () => {
    const exact = await createServerCertificate({ names: ['ssl1.test'], keyType: 'ec' });
    const wild = await createServerCertificate({ names: ['*.wild.test'], keyType: 'ec' });
    const exactRow = await must(node.admin('POST', '/certificates', { cert: exact.certPem, key: exact.keyPem }));
    const wildRow = await must(node.admin('POST', '/certificates', { cert: wild.certPem, key: wild.keyPem }));
    await must(node.admin('POST', '/snis', { name: 'ssl1.test', certificate: { id: exactRow.id } }));
    await must(node.admin('POST', '/snis', { name: '*.wild.test', certificate: { id: wildRow.id } }));
    expect((await peerCertificate('ssl1.test')).subject.CN).toBe('ssl1.test');
    expect((await peerCertificate('a.wild.test')).subject.CN).toBe('*.wild.test');
    expect((await peerCertificate('other.test')).subject.CN).toBe('localhost');
  });

  it('proxies https requests with X-Forwarded-Proto https', async () => {
    const body = await new Promise<any>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: node.tlsPort, path: '/tls', servername: 'ssl1.test', rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body.headers['x-forwarded-proto']).toBe('https');
    expect(body.headers['x-forwarded-port']).toBe(String(node.tlsPort));
  });

  it('answers 426 to plain http on an https-only route', async () => {
    await must(node.admin('POST', '/services/echo/routes', { paths: ['/secure'], protocols: ['https'] }));
    const res = await node.proxy('GET', '/secure');
    expect(res.status).toBe(426);
    expect(res.json.message).toBe('Please use HTTPS protocol');
    expect(res.headers.upgrade).toBe('TLS/1.2, HTTP/1.1');
  });
});

describe("WebSocket", () => {
  it('passes the upgrade through and relays frames both ways', async () => {
    const socket = netConnect({ host: '127.0.0.1', port: node.proxyPort });
    onTestFinished(() => {
      socket.destroy();
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'GET /ws/chat HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    let received = '';
    const head = await new Promise<string>((resolve) => {
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        const end = received.indexOf('\r\n\r\n');
        if (end !== -1) resolve(received.slice(0, end));
      });
    });
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    expect(head.toLowerCase()).toContain('sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=');
    expect(head.toLowerCase()).toContain('x-echo-path: /ws/chat');
    expect(head.toLowerCase()).toMatch(/x-kong-request-id: [0-9a-f]{32}/);
    received = '';
    const echoed = new Promise<string>((resolve) => {
      socket.on('data', () => {
        if (received.includes('ping-frame')) resolve(received);
      });
    });
    socket.write('ping-frame');
    expect(await echoed).toContain('ping-frame');
    socket.destroy();
  });
});
