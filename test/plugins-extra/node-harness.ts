/**
 * A real Silverback node for the plugins-extra end-to-end tests: embedded datastore in a temp
 * prefix; proxy, Admin API and status listeners on free loopback ports; Admin API and proxy
 * clients; and a steerable upstream that counts the requests it served.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startNode, type RunningNode } from '../../src/gateway/node.js';
import { silentLogger } from '../../src/log.js';
import '../../src/gateway/modules.js';
import '../../src/plugins/bundled-extra.js';
import type { RawReply } from '../harness/raw-http.js';
import { rawRequest } from '../harness/raw-http.js';
import { freePort } from '../harness/cli.js';
export { rawRequest, freePort };

export type Reply = RawReply;

export interface ExtraNode {
  node: RunningNode;
  prefix: string;
  proxyPort: number;
  adminUrl: string;
  statusUrl: string;
  /** JSON body, or a form body when `form` is given as [key, value] pairs (curl --data). */
  admin(method: string, path: string, body?: unknown, form?: [string, string][]): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  proxy(method: string, path: string, headers?: Record<string, string | string[]>, body?: string): Promise<Reply>;
  stop(): Promise<void>;
}



export async function startExtraNode(settings: Record<string, string> = {}): Promise<ExtraNode> {
  const prefix = mkdtempSync(join(tmpdir(), 'silverback-plugins-extra-'));
  const env: Record<string, string> = {
    KONG_PREFIX: prefix,
    KONG_PROXY_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_STATUS_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_LOG_LEVEL: 'error',
  };
  for (const [k, v] of Object.entries(settings)) env[`KONG_${k.toUpperCase()}`] = v;
  let node: RunningNode;
  try {
    const { config } = loadConfig({ env, defaultPaths: [] });
    node = await startNode(config, silentLogger());
  } catch (err) {
    rmSync(prefix, { recursive: true, force: true });
    throw err;
  }
  const proxyPort = node.addresses.proxy.find((a) => !a.ssl)!.port;
  const adminUrl = `http://127.0.0.1:${node.addresses.admin.find((a) => !a.ssl)!.port}`;
  const statusUrl = `http://127.0.0.1:${node.addresses.status.find((a) => !a.ssl)!.port}`;
  return {
    node,
    prefix,
    proxyPort,
    adminUrl,
    statusUrl,
    async admin(method, path, body, form) {
      const init: RequestInit = { method };
      if (form) {
        init.body = new URLSearchParams(form);
        init.headers = { 'content-type': 'application/x-www-form-urlencoded' };
      } else if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { 'content-type': 'application/json' };
      }
      const res = await fetch(adminUrl + path, init);
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    proxy: (method, path, headers, body) => rawRequest(proxyPort, method, path, headers, body),
    async stop() {
      try {
        await node.stop();
      } finally {
        rmSync(prefix, { recursive: true, force: true });
      }
    },
  };
}

/** Fails with the Admin API's answer when a setup call does not give the expected status. */
export async function must(res: Promise<{ status: number; body: any }>, status = 201): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`Admin API answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export interface SteerableUpstream {
  readonly port: number;
  readonly url: string;
  /** Requests served so far. */
  readonly hits: number;
  close(): Promise<void>;
}

/**
 * An upstream that echoes the request as JSON and lets each request choose the answer:
 * `x-reply-status`, `x-reply-content-type`, `x-reply-header-<name>: <value>` (sent back as
 * `<name>`), and `x-reply-body` (sent as is instead of the echo).
 */
export async function startSteerableUpstream(): Promise<SteerableUpstream> {
  let hits = 0;
  let port = 0;
  const server: Server = createHttpServer((req, res) => {
    hits++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const echo = JSON.stringify({
        method: req.method,
        path: q < 0 ? url : url.slice(0, q),
        query: q < 0 ? null : url.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        hit: hits,
      });
      const body = typeof req.headers['x-reply-body'] === 'string' ? req.headers['x-reply-body'] : echo;
      const headers: Record<string, string> = { 'content-type': String(req.headers['x-reply-content-type'] ?? 'application/json') };
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-reply-header-') && typeof v === 'string') headers[k.slice('x-reply-header-'.length)] = v;
      headers['content-length'] = String(Buffer.byteLength(body));
      res.writeHead(Number(req.headers['x-reply-status'] ?? 200), headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Polls (bounded by attempts, not asserting time) until `check` holds; returns the last value. */
export async function eventually<T>(probe: () => Promise<T> | T, check: (value: T) => boolean, attempts = 200): Promise<T> {
  let last = await probe();
  for (let i = 0; i < attempts && !check(last); i++) {
    await new Promise((r) => setTimeout(r, 25));
    last = await probe();
  }
  return last;
}
