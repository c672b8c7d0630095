import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { ActiveCheckType } from './types.js';

/** What one active probe observed. `connected` is a successful tcp/tls connect. */
export type ProbeOutcome = { kind: 'http'; status: number } | { kind: 'connected' } | { kind: 'tcp_failure' } | { kind: 'timeout' };

export interface ProbeRequest {
  type: ActiveCheckType;
  ip: string;
  port: number;
  /** Host header and default SNI: upstream.host_header or the target's host name. */
  hostname?: string;
  path: string;
  headers: Record<string, string[]> | null;
  timeoutMs: number;
  verifyCertificate: boolean;
  sni: string | null;
  clientCertificate?: { cert: string; key: string };
  ca?: string | string[];
}

export interface RunningProbe {
  result: Promise<ProbeOutcome>;
  /** Destroys the socket; the result then settles as a tcp_failure. */
  cancel(): void;
}

/**
 * One active health probe. http/https send GET http_path and report the status; tcp connects.
 * Divergence: grpc/grpcs probes (the gRPC health protocol in Kong) are a plain TCP connect /
 * TLS handshake here.
 */
export function startProbe(req: ProbeRequest): RunningProbe {
  let settle!: (outcome: ProbeOutcome) => void;
  let destroy: () => void = () => undefined;
  const result = new Promise<ProbeOutcome>((resolve) => {
    let done = false;
    const timer = setTimeout(() => settle({ kind: 'timeout' }), req.timeoutMs);
    settle = (outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      destroy();
      resolve(outcome);
    };
  });
  if (req.type === 'http' || req.type === 'https') {
    destroy = startHttp(req, (o) => settle(o));
  } else {
    destroy = startConnect(req, (o) => settle(o));
  }
  return { result, cancel: () => settle({ kind: 'tcp_failure' }) };
}

function startHttp(req: ProbeRequest, settle: (o: ProbeOutcome) => void): () => void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(req.headers ?? {})) headers[name] = values;
  if (req.hostname) headers.host = req.hostname;
  const options: https.RequestOptions = {
    host: req.ip,
    port: req.port,
    path: req.path,
    method: 'GET',
    headers,
    agent: false,
  };
  let request: http.ClientRequest;
  if (req.type === 'https') {
    const servername = req.sni ?? (req.hostname && net.isIP(req.hostname) === 0 ? req.hostname : undefined);
    request = https.request({
      ...options,
      rejectUnauthorized: req.verifyCertificate,
      ...(servername ? { servername } : {}),
      ...(req.clientCertificate ? { cert: req.clientCertificate.cert, key: req.clientCertificate.key } : {}),
      ...(req.ca ? { ca: req.ca } : {}),
    });
  } else {
    request = http.request(options);
  }
  request.on('response', (res) => {
    settle({ kind: 'http', status: res.statusCode ?? 0 });
    res.resume();
  });
  // Connection refused, reset, TLS verification failure: all count as TCP failures, as in lua-resty-healthcheck.
  request.on('error', () => settle({ kind: 'tcp_failure' }));
  request.end();
  return () => request.destroy();
}

function startConnect(req: ProbeRequest, settle: (o: ProbeOutcome) => void): () => void {
  let socket: net.Socket;
  if (req.type === 'grpcs') {
    const servername = req.sni ?? (req.hostname && net.isIP(req.hostname) === 0 ? req.hostname : undefined);
    socket = tls.connect({
      host: req.ip,
      port: req.port,
      rejectUnauthorized: req.verifyCertificate,
      ...(servername ? { servername } : {}),
      ...(req.ca ? { ca: req.ca } : {}),
    });
    socket.once('secureConnect', () => settle({ kind: 'connected' }));
  } else {
    socket = net.connect({ host: req.ip, port: req.port });
    socket.once('connect', () => settle({ kind: 'connected' }));
  }
  socket.on('error', () => settle({ kind: 'tcp_failure' }));
  return () => socket.destroy();
}
