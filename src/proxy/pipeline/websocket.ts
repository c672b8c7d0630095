import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { UpstreamTlsOptions } from '../upstream.js';
import type { OutgoingHeaders } from './request-state.js';

export interface UpgradeTarget {
  scheme: 'http' | 'https';
  address: string;
  port: number;
  servername: string;
  method: string;
  target: string;
  headers: OutgoingHeaders;
  connectTimeout: number;
  tls: UpstreamTlsOptions | null;
}

export type UpgradeOutcome =
  | { kind: 'upgraded'; status: number; headers: OutgoingHeaders; socket: Duplex; head: Buffer }
  | { kind: 'response'; response: IncomingMessage }
  | { kind: 'error'; error: NodeJS.ErrnoException; timeout: boolean };

/** Opens the upstream side of a WebSocket (or any Upgrade) request. */
export function openUpgrade(t: UpgradeTarget, clientUpgrade: string): Promise<UpgradeOutcome> {
  return new Promise((resolve) => {
    const headers = { ...t.headers, connection: 'keep-alive, Upgrade', upgrade: clientUpgrade };
    const common = { host: t.address, port: t.port, method: t.method, path: t.target, headers, agent: false as const };
    const req = t.scheme === 'https'
      ? httpsRequest({
          ...common,
          servername: t.servername || undefined,
          rejectUnauthorized: t.tls?.verify ?? false,
          ca: t.tls?.ca ?? undefined,
          cert: t.tls?.clientCert?.cert,
          key: t.tls?.clientCert?.key,
        })
      : httpRequest(common);
    let settled = false;
    const done = (o: UpgradeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const timer = setTimeout(() => {
      const err = Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
      req.destroy(err);
      done({ kind: 'error', error: err, timeout: true });
    }, t.connectTimeout);
    req.on('socket', (s) => s.once('connect', () => clearTimeout(timer)));
    req.on('upgrade', (res, socket, head) => {
      const out: OutgoingHeaders = {};
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i].toLowerCase();
        const prev = out[name];
        if (prev === undefined) out[name] = res.rawHeaders[i + 1];
        else out[name] = [...(Array.isArray(prev) ? prev : [prev]), res.rawHeaders[i + 1]];
      }
      done({ kind: 'upgraded', status: res.statusCode ?? 101, headers: out, socket, head });
    });
    req.on('response', (res) => done({ kind: 'response', response: res }));
    req.on('error', (error: NodeJS.ErrnoException) => done({ kind: 'error', error, timeout: false }));
    req.end();
  });
}

/** Writes the 101 head to the client and splices the two sockets together. */
export function splice(client: Duplex, clientHead: Buffer, up: { status: number; headers: OutgoingHeaders; socket: Duplex; head: Buffer }): void {
  let head = `HTTP/1.1 ${up.status} Switching Protocols\r\n`;
  for (const [name, value] of Object.entries(up.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  client.write(`${head}\r\n`);
  if (up.head.length) client.write(up.head);
  if (clientHead.length) up.socket.write(clientHead);
  const closeBoth = () => {
    client.destroy();
    up.socket.destroy();
  };
  up.socket.on('error', closeBoth);
  client.on('error', closeBoth);
  up.socket.on('close', () => client.end());
  client.on('close', () => up.socket.end());
  up.socket.pipe(client);
  client.pipe(up.socket);
}
