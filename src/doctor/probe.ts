import { X509Certificate } from 'node:crypto';
import { Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { PgLinkSettings } from '../config/index.js';
import { describeTlsFailure, type LinkFailure } from '../datastore/postgres/describe-error.js';
import { probeServerTlsVersion } from '../datastore/postgres/probe-tls-version.js';
import type { TlsMaterial } from '../datastore/postgres/tls-settings.js';
import { sniName } from '../datastore/postgres/verify-server.js';

/** SSLRequest: Int32 length 8, Int32 code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export type Attempt<T> = { ok: true; value: T } | { ok: false; failure: LinkFailure };

/** Step 1: can a TCP connection be made within pg_timeout? */
export function connectTcp(link: PgLinkSettings): Promise<Attempt<Socket>> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: link.host, port: link.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, failure: { reason: 'timeout', hint: `no TCP answer from ${link.host}:${link.port} within pg_timeout (${link.timeout} ms): check pg_host, pg_port and firewalls` } });
    }, link.timeout);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ ok: true, value: socket });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const reason = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? `DNS resolution failed for ${link.host}` : err.code ?? err.message;
      resolve({ ok: false, failure: { reason, hint: `check that PostgreSQL runs on ${link.host}:${link.port} (pg_host, pg_port)` } });
    });
  });
}

/** Step 2: the server's one-byte answer to SSLRequest (`S` offers TLS, `N` does not). */
export function askForTls(socket: Socket, link: PgLinkSettings): Promise<Attempt<'S' | 'N'>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done({ ok: false, failure: { reason: 'timeout', hint: `no answer to SSLRequest within pg_timeout (${link.timeout} ms): is ${link.host}:${link.port} a PostgreSQL server?` } }), link.timeout);
    const done = (a: Attempt<'S' | 'N'>) => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      resolve(a);
    };
    socket.once('data', (chunk: Buffer) => {
      const answer = String.fromCharCode(chunk[0]);
      if (chunk.length === 1 && (answer === 'S' || answer === 'N')) return done({ ok: true, value: answer });
      done({ ok: false, failure: { reason: 'the server answered SSLRequest with something else than S or N', hint: `check that ${link.host}:${link.port} (pg_host, pg_port) is a PostgreSQL server` } });
    });
    socket.once('error', (err) => done({ ok: false, failure: { reason: err.message } }));
    socket.once('close', () => done({ ok: false, failure: { reason: 'closed', hint: 'the server closed the connection after SSLRequest' } }));
    socket.write(SSL_REQUEST);
  });
}

/**
 * Step 3: the TLS handshake with the link's own material (trust store, client certificate,
 * versions), without verification: doctor judges the chain itself afterwards so it can show it.
 */
export function handshake(socket: Socket, link: PgLinkSettings, material: TlsMaterial): Promise<Attempt<TLSSocket>> {
  return new Promise((resolve) => {
    const secure = tlsConnect({
      socket,
      secureContext: material.secureContext,
      minVersion: material.minVersion,
      maxVersion: material.maxVersion,
      servername: sniName(link),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      secure.destroy();
      resolve({ ok: false, failure: { reason: 'timeout', hint: `the TLS handshake did not finish within pg_timeout (${link.timeout} ms)` } });
    }, link.timeout);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      // A TLS 1.3 server judges our certificate after its Finished; a late alert must not crash doctor.
      secure.on('error', () => undefined);
      resolve({ ok: true, value: secure });
    });
    secure.once('error', async (err) => {
      clearTimeout(timer);
      secure.destroy();
      let failure = describeTlsFailure(err, link, material.versions);
      if (failure && /protocol version|unsupported protocol|wrong version number|version too/i.test(failure.reason)) {
        const serverVersion = await probeServerTlsVersion(link.host, link.port, link.timeout);
        failure = describeTlsFailure(err, link, material.versions, serverVersion) ?? failure;
      }
      resolve({ ok: false, failure: failure ?? { reason: err.message } });
    });
  });
}

/** What the server sent, leaf first. */
export function sentChain(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let node = socket.getPeerCertificate(true) as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
  while (node && node.raw && !seen.has(node.fingerprint256)) {
    seen.add(node.fingerprint256);
    out.push(new X509Certificate(node.raw));
    node = node.issuerCertificate as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
  }
  return out;
}

/**
 * The server's certificate chain as a TLS client sees it, for expiry warnings at start.
 * Resolves null when the server cannot be reached or offers no TLS; never throws.
 */
export async function observeServerChain(link: PgLinkSettings, material: TlsMaterial): Promise<X509Certificate[] | null> {
  const tcp = await connectTcp(link);
  if (!tcp.ok) return null;
  const answer = await askForTls(tcp.value, link);
  if (!answer.ok || answer.value !== 'S') {
    tcp.value.destroy();
    return null;
  }
  const secure = await handshake(tcp.value, link, material);
  if (!secure.ok) return null;
  const chain = sentChain(secure.value);
  secure.value.destroy();
  return chain;
}
