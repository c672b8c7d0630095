import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createLayout, type LayoutKind, type LayoutResult } from '../../src/pki/index.js';

/**
 * Node's TLS (the stack the datastore link uses) must accept every layout `certs` makes, with
 * mutual authentication, when trusting exactly what the seed says to trust.
 */
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function handshake(l: LayoutResult): Promise<{ authorized: boolean; error?: string; peerCn?: string; clientCn?: string }> {
  let clientCnSeen: string | undefined;
  const server = createServer(
    { cert: l.server.certPem + l.intermediates.map((c) => c.certPem).join(''), key: l.server.keyPem, ca: l.clientTrustPem, requestCert: true, rejectUnauthorized: true },
    (socket) => {
      clientCnSeen = (socket.getPeerCertificate().subject as { CN?: string } | undefined)?.CN;
      socket.end('ok');
    },
  );
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host: '127.0.0.1', port, ca: l.serverTrustPem, cert: l.client.certPem + l.intermediates.map((c) => c.certPem).join(''), key: l.client.keyPem,
      servername: 'localhost', rejectUnauthorized: true,
    });
    socket.on('data', () => {
      resolve({ authorized: socket.authorized, peerCn: (socket.getPeerCertificate().subject as { CN?: string }).CN, clientCn: clientCnSeen });
      socket.destroy();
    });
    socket.on('error', (err) => resolve({ authorized: false, error: err.message }));
  });
}

describe.each(['intermediate', 'direct', 'self-signed', 'two-intermediates'] as LayoutKind[])('Node TLS with the %s layout', (layout) => {
  it('completes a verified mutual handshake', async () => {
    const result = await handshake(await createLayout({ layout, keyType: 'ec' }));
    expect(result).toEqual({ authorized: true, peerCn: 'localhost', clientCn: 'kong' });
  });
});

describe('Node TLS rejections', () => {
  it('rejects an expired server certificate with OpenSSL\'s wording', async () => {
    const l = await createLayout({ layout: 'direct', keyType: 'ec', validity: { server: { notAfter: new Date(Date.now() - 86_400_000) } } });
    expect((await handshake(l)).error).toBe('certificate has expired');
  });

  it('rejects a not-yet-valid server certificate', async () => {
    const l = await createLayout({ layout: 'direct', keyType: 'ec', validity: { server: { notBefore: new Date(Date.now() + 86_400_000) } } });
    expect((await handshake(l)).error).toBe('certificate is not yet valid');
  });
});
