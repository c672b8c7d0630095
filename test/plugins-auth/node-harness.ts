/**
 * A real Silverback node for the plugin tests: embedded datastore (or a given PostgreSQL),
 * proxy and Admin API on loopback port 0, a temp prefix, plus a tiny Admin API client that
 * sends form bodies the way Kong's docs do with `curl --data`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startNode, type RunningNode } from '../../src/gateway/node.js';
import { silentLogger } from '../../src/log.js';
import '../../src/gateway/modules.js';
import '../../src/plugins/bundled-auth.js';

export interface TestNode {
  node: RunningNode;
  proxyUrl: string;
  adminUrl: string;
  /** `curl -X <method> <admin><path> --data k=v ...` (repeated keys for arrays). Returns status and JSON. */
  admin(method: string, path: string, form?: [string, string | number | boolean][]): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

// Divergence from the brief: the config rejects port 0 (`port 0 out of range`), so free ports are picked first.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** `settings` are kong.conf names (`trusted_ips`); `env` is raw KONG_* variables (e.g. from prepareNodeDatastore). */
export async function startTestNode(settings: Record<string, string> = {}, extraEnv: Record<string, string> = {}): Promise<TestNode> {
  const prefix = mkdtempSync(join(tmpdir(), 'silverback-plugins-auth-'));
  const env: Record<string, string> = {
    KONG_PREFIX: prefix,
    KONG_PROXY_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_STATUS_LISTEN: 'off',
    KONG_LOG_LEVEL: 'error',
  };
  for (const [k, v] of Object.entries(settings)) env[`KONG_${k.toUpperCase()}`] = v;
  Object.assign(env, extraEnv);
  let node: RunningNode;
  try {
    const { config } = loadConfig({ env, defaultPaths: [] });
    node = await startNode(config, silentLogger(), { runMigrations: true });
  } catch (err) {
    rmSync(prefix, { recursive: true, force: true });
    throw err;
  }
  const proxy = node.addresses.proxy.find((a) => !a.ssl)!;
  const admin = node.addresses.admin.find((a) => !a.ssl)!;
  const adminUrl = `http://127.0.0.1:${admin.port}`;
  return {
    node,
    proxyUrl: `http://127.0.0.1:${proxy.port}`,
    adminUrl,
    async admin(method, path, form) {
      const init: RequestInit = { method };
      if (form) {
        init.body = new URLSearchParams(form.map(([k, v]) => [k, String(v)]));
        init.headers = { 'content-type': 'application/x-www-form-urlencoded' };
      }
      const res = await fetch(adminUrl + path, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      try {
        await node.stop();
      } finally {
        rmSync(prefix, { recursive: true, force: true });
      }
    },
  };
}

/** Admin API writes reach the proxy through a new snapshot; poll until `check` holds (bounded by attempts, not time). */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, attempts = 200): Promise<T> {
  let last: T = await probe();
  for (let i = 0; i < attempts && !check(last); i++) {
    await new Promise((r) => setTimeout(r, 25));
    last = await probe();
  }
  return last;
}

/** Succeeds or throws with the Admin API's answer, so setup mistakes show their reason. */
export async function must(res: Promise<{ status: number; body: any }>, status = 201): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
