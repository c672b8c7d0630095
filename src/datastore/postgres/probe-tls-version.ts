import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * After a version disagreement, one throwaway handshake with every version Node allows, only to
 * name the server's version in the error. Nothing is verified or sent beyond the handshake, and
 * the socket is closed before any startup message. Resolves null when it cannot tell.
 */
export function probeServerTlsVersion(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    let settled = false;
    const raw = netConnect({ host, port });
    const done = (version: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.destroy();
      resolve(version);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    raw.on('error', () => done(null));
    raw.once('connect', () => {
      raw.write(SSL_REQUEST);
      raw.once('data', (answer: Buffer) => {
        if (answer.length !== 1 || answer[0] !== 0x53 /* S */) return done(null);
        const secure = tlsConnect({ socket: raw, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', rejectUnauthorized: false, checkServerIdentity: () => undefined });
        secure.on('error', () => done(null));
        secure.once('secureConnect', () => {
          const version = secure.getProtocol();
          secure.destroy();
          done(version);
        });
      });
    });
  });
}
