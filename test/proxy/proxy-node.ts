/**
 * A real node for proxy tests: embedded datastore in a temp prefix, plain and TLS proxy
 * listeners and the Admin API on loopback port 0, plus small clients for both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startNode, type RunningNode } from '../../src/gateway/node.js';
import { silentLogger } from '../../src/log.js';
import '../../src/gateway/modules.js';
import type { RawReply } from '../harness/raw-http.js';
import { rawRequest } from '../harness/raw-http.js';
import { freePort } from '../harness/cli.js';
export { rawRequest, freePort };

export type ProxyReply = RawReply;

export interface ProxyNode {
  node: RunningNode;
  proxyPort: number;
  tlsPort: number;
  adminUrl: string;
  prefix: string;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Raw HTTP/1.1 request to the plain proxy port (keeps Host and paths exactly as given). */
  proxy(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<ProxyReply>;
  stop(): Promise<void>;
}



export async function startProxyNode(settings: Record<string, string> = {}): Promise<ProxyNode> {
  const prefix = mkdtempSync(join(tmpdir(), 'silverback-proxy-'));
  const env: Record<string, string> = {
    KONG_PREFIX: prefix,
    KONG_PROXY_LISTEN: `127.0.0.1:${await freePort()}, 127.0.0.1:${await freePort()} ssl`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_STATUS_LISTEN: 'off',
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
  const tlsPort = node.addresses.proxy.find((a) => a.ssl)!.port;
  const adminUrl = `http://127.0.0.1:${node.addresses.admin.find((a) => !a.ssl)!.port}`;
  return {
    node,
    proxyPort,
    tlsPort,
    adminUrl,
    prefix,
    async admin(method, path, body) {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { 'content-type': 'application/json' };
      }
      const res = await fetch(adminUrl + path, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
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
