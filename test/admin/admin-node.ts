/**
 * A node with only the Admin API on 127.0.0.1:0, on either datastore, plus a small client
 * that speaks JSON, form (`curl --data`) and raw bodies.
 */
import { createServer } from 'node:net';
import { Agent, fetch, type BodyInit } from 'undici';
import { loadConfig } from '../../src/config/index.js';
import { startNode, type RunningNode } from '../../src/gateway/node.js';
import { silentLogger } from '../../src/log.js';
import '../../src/gateway/modules.js';
import { prepareNodeDatastore, type TestDatastoreKind, type TestNodeDatastore } from '../harness/datastores.js';

export interface AdminReply {
  status: number;
  body: any;
  headers: { get(name: string): string | null };
}

export interface AdminClient {
  readonly url: string;
  json(method: string, path: string, body?: unknown): Promise<AdminReply>;
  /** `curl --data k=v` style: repeated keys allowed. */
  form(method: string, path: string, pairs: [string, string | number | boolean][]): Promise<AdminReply>;
  raw(method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<AdminReply>;
}

export interface AdminNode {
  readonly node: RunningNode;
  readonly client: AdminClient;
  stop(): Promise<void>;
}

/**
 * No keep-alive: a long embedded-store query blocks the shared event loop, and a pooled socket
 * can then be closed by the server's keep-alive timer just as the client reuses it.
 */
const noKeepAlive = new Agent({ pipelining: 0 });

export function adminClient(url: string): AdminClient {
  const send = async (method: string, path: string, body?: string | Buffer | URLSearchParams, headers: Record<string, string> = {}): Promise<AdminReply> => {
    const res = await fetch(url + path, { method, body: body as BodyInit | undefined, headers, dispatcher: noKeepAlive });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    url,
    json: (method, path, body) =>
      body === undefined ? send(method, path) : send(method, path, JSON.stringify(body), { 'content-type': 'application/json' }),
    form: (method, path, pairs) =>
      send(method, path, new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString(), { 'content-type': 'application/x-www-form-urlencoded' }),
    raw: (method, path, body, headers) => send(method, path, body, headers),
  };
}

/** The config refuses port 0, so ask the kernel for a free loopback port first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startAdminNode(kind: TestDatastoreKind, settings: Record<string, string> = {}): Promise<AdminNode> {
  const store: TestNodeDatastore | null = settings.database === 'off' ? null : await prepareNodeDatastore(kind);
  const env: Record<string, string> = {
    ...(store?.env ?? {}),
    KONG_ADMIN_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_PROXY_LISTEN: 'off',
    KONG_STATUS_LISTEN: 'off',
    KONG_LOG_LEVEL: 'error',
  };
  for (const [k, v] of Object.entries(settings)) env[`KONG_${k.toUpperCase()}`] = v;
  let node: RunningNode;
  try {
    const { config } = loadConfig({ env, defaultPaths: [] });
    node = await startNode(config, silentLogger());
  } catch (err) {
    await store?.destroy();
    throw err;
  }
  const admin = node.addresses.admin.find((a) => !a.ssl)!;
  return {
    node,
    client: adminClient(`http://127.0.0.1:${admin.port}`),
    async stop() {
      try {
        await node.stop();
      } finally {
        await store?.destroy();
      }
    },
  };
}
