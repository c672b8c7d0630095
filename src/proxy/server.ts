/**
 * The proxy listeners: plain http and https with per-SNI certificates from the snapshot,
 * connection counters for `/status`, and WebSocket upgrades handed to the pipeline.
 */
import { createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Listener } from '../config/index.js';
import type { SnapshotManager } from '../snapshot/manager.js';
import type { ServerCounters } from '../admin/info.js';
import type { CertPair } from './tls/default-certificate.js';
import type { ProxyPipeline } from './pipeline/handle.js';

export interface ProxyServerDeps {
  pipeline: ProxyPipeline;
  snapshots: SnapshotManager;
  /** Served when no SNI entry matches (or the client sent none). */
  defaultCertificates: CertPair[];
  tlsProtocols: { min: 'TLSv1.2' | 'TLSv1.3'; max: 'TLSv1.2' | 'TLSv1.3' };
  counters: ServerCounters;
}

/** Keeps nginx's stub_status counters for every proxy listener of the node. */
export function trackConnections(server: Server, counters: ServerCounters): void {
  server.on('connection', (socket) => {
    counters.connectionsAccepted++;
    counters.connectionsActive++;
    socket.once('close', () => {
      counters.connectionsActive--;
      counters.connectionsHandled++;
    });
  });
}

function listenerPort(server: Server, fallback: number): () => number {
  let cached: number | null = null;
  return () => {
    if (cached !== null) return cached;
    const addr = server.address();
    cached = addr && typeof addr === 'object' ? addr.port : fallback;
    return cached;
  };
}

export function makeProxyServer(listener: Listener, deps: ProxyServerDeps): Server {
  let server: HttpServer;
  if (listener.ssl) {
    const defaults = deps.defaultCertificates;
    const defaultContext: SecureContext = createSecureContext({ cert: defaults.map((c) => c.cert), key: defaults.map((c) => c.key) });
    server = createHttpsServer({
      cert: defaults.map((c) => c.cert),
      key: defaults.map((c) => c.key),
      minVersion: deps.tlsProtocols.min,
      maxVersion: deps.tlsProtocols.max,
      SNICallback(servername, cb) {
        const index = deps.snapshots.current().certificates;
        const cert = index.lookup(servername);
        cb(null, (cert && index.contextFor(cert)) || defaultContext);
      },
    });
  } else {
    server = createHttpServer();
  }
  // Kong/nginx keep idle client connections 60 s (keepalive_timeout); Node's default of 5 s drops them early.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  const port = listenerPort(server, listener.port);
  trackConnections(server, deps.counters);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => deps.pipeline.handle(req, res, port()));
  // Upgraded sockets leave the http server's bookkeeping; close them with the server so a stop never waits on a WebSocket.
  const upgraded = new Set<Duplex>();
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeAll();
    for (const s of upgraded) s.destroy();
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    socket.on('error', () => socket.destroy());
    deps.pipeline.handle(req, res, port(), { socket, head });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    // nginx answers 400 for malformed requests and 494→400 for oversized headers.
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}
