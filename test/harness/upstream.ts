/**
 * Small echo upstreams for proxy tests: plain `node:http` (or https) servers on 127.0.0.1
 * answering with what they received (method, path, query, headers, body) and their own port.
 * Behaviour per request is steered by headers, so one server serves many cases:
 * `x-echo-delay: <ms>` waits before answering, `x-echo-status: <n>` sets the status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';

export interface EchoReply {
  method: string;
  /** Request-target path as received (no query). */
  path: string;
  /** Raw query string without `?`, or null when there was none. */
  query: string | null;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  port: number;
}

export interface EchoServer {
  readonly port: number;
  readonly url: string;
  /** Requests served so far. */
  readonly count: number;
  close(): Promise<void>;
}

function reply(port: number, req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const payload: EchoReply = {
    method: req.method ?? '',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? null : url.slice(q + 1),
    url,
    headers: req.headers,
    body,
    port,
  };
  const status = Number(req.headers['x-echo-status'] ?? 200);
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-echo-port': String(port) });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** RFC 6455 accept key, for the WebSocket echo. */
function acceptKey(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

function track(server: Server) {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return sockets;
}

export async function startEchoServer(opts: { tls?: { cert: string; key: string } } = {}): Promise<EchoServer> {
  let count = 0;
  let port = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    count++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delay = Number(req.headers['x-echo-delay'] ?? 0);
      const send = () => reply(port, req, res, Buffer.concat(chunks).toString('utf8'));
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  };
  const server: Server = opts.tls ? createHttpsServer(opts.tls, handler) : createServer(handler);
  // A minimal WebSocket echo: handshake, then every byte received is sent back (frames untouched).
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    count++;
    const key = req.headers['sec-websocket-key'];
    if (!key) return socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${acceptKey(String(key))}\r\nX-Echo-Path: ${req.url}\r\nX-Echo-Port: ${port}\r\n\r\n`,
    );
    if (head.length) socket.write(head);
    socket.pipe(socket);
  });
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that refuses connections (bound, then closed). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
