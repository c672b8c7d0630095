/**
 * A real PostgreSQL over verified TLS shared by several Silverback nodes, in-process nodes on
 * it, an echo upstream, and small HTTP helpers for the cluster tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.js';
import { openPostgresDatastore } from '../../src/datastore/postgres/index.js';
import { bootstrap } from '../../src/datastore/migrations/index.js';
import { startNode, type RunningNode } from '../../src/gateway/node.js';
import { silentLogger } from '../../src/log.js';
import { freePort } from '../harness/cli.js';
import { makeInProcessPki, type PkiFixture } from '../harness/pki-fixtures.js';
import { startPostgres, type PgServer } from '../harness/postgres.js';
import '../../src/gateway/modules.js';
import '../../src/plugins/bundled-auth.js';

export interface TlsDatabase {
  pg: PgServer;
  pki: PkiFixture;
  /** KONG_* variables for a node on this database, pg_ssl and pg_ssl_verify on. */
  env: Record<string, string>;
  destroy(): Promise<void>;
}

export function configFrom(env: Record<string, string>): Config {
  return loadConfig({ env, defaultPaths: [] }).config;
}

export async function startTlsDatabase(): Promise<TlsDatabase> {
  const pki = await makeInProcessPki('intermediate');
  let pg: PgServer | null = null;
  try {
    pg = await startPostgres({ tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem }, hba: ['hostssl all all 127.0.0.1/32 scram-sha-256'] });
    const env = {
      KONG_DATABASE: 'postgres',
      KONG_PG_HOST: pg.host,
      KONG_PG_PORT: String(pg.port),
      KONG_PG_USER: 'kong',
      KONG_PG_PASSWORD: 'kong',
      KONG_PG_DATABASE: 'kong',
      KONG_PG_SSL: 'on',
      KONG_PG_SSL_VERIFY: 'on',
      KONG_LUA_SSL_TRUSTED_CERTIFICATE: pki.serverTrustPath,
    };
    const store = await openPostgresDatastore(configFrom(env), { log: { warn: () => undefined } });
    try {
      await bootstrap(store, () => undefined);
    } finally {
      await store.close();
    }
    const server = pg;
    return {
      pg: server,
      pki,
      env,
      async destroy() {
        await server.destroy();
        pki.cleanup();
      },
    };
  } catch (err) {
    await pg?.destroy();
    pki.cleanup();
    throw err;
  }
}

export interface ClusterNode {
  readonly name: string;
  readonly prefix: string;
  node: RunningNode;
  proxyUrl: string;
  adminUrl: string;
  statusUrl: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Stops and removes the prefix. */
  destroy(): Promise<void>;
}

/** One node in this process with its own prefix and ports (distinct node ids). */
export async function startClusterNode(db: TlsDatabase, name: string, settings: Record<string, string> = {}): Promise<ClusterNode> {
  const prefix = mkdtempSync(join(tmpdir(), `silverback-cluster-${name}-`));
  const env: Record<string, string> = {
    ...db.env,
    KONG_PREFIX: prefix,
    KONG_PROXY_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_STATUS_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_LOG_LEVEL: 'error',
    KONG_NGINX_WORKER_PROCESSES: '1',
  };
  for (const [k, v] of Object.entries(settings)) env[`KONG_${k.toUpperCase()}`] = v;
  const config = configFrom(env);
  let node: RunningNode;
  try {
    node = await startNode(config, silentLogger());
  } catch (err) {
    rmSync(prefix, { recursive: true, force: true });
    throw err;
  }
  const url = (kind: 'proxy' | 'admin' | 'status') => `http://127.0.0.1:${node.addresses[kind].find((a) => !a.ssl)!.port}`;
  let stopped = false;
  const self: ClusterNode = {
    name,
    prefix,
    node,
    proxyUrl: url('proxy'),
    adminUrl: url('admin'),
    statusUrl: url('status'),
    async restart() {
      if (!stopped) await self.node.stop();
      self.node = await startNode(config, silentLogger());
      stopped = false;
    },
    async stop() {
      stopped = true;
      await self.node.stop();
    },
    async destroy() {
      try {
        if (!stopped) await self.node.stop();
      } finally {
        rmSync(prefix, { recursive: true, force: true });
      }
    },
  };
  return self;
}

/** `curl --data` to an Admin API. */
export async function admin(baseUrl: string, method: string, path: string, form?: Record<string, string>): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method };
  if (form) {
    init.body = new URLSearchParams(form);
    init.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

/** A proxy request on a fresh connection (so a dead worker's kept-alive socket is never reused). */
export async function proxyGet(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(baseUrl + path, { headers: { connection: 'close', ...headers } });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Polls until `ok(value)`, returning the value and how long it took; fails after `timeoutMs`. */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, stepMs = 5): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  let last: T | undefined;
  let lastErr: unknown;
  while (performance.now() - start < timeoutMs) {
    try {
      last = await fn();
      if (ok(last)) return { value: last, ms: performance.now() - start };
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(last)}${lastErr ? `, last error ${String(lastErr)}` : ''}`);
}

/** Requests in a loop against several proxies until stopped; counts what failed. */
export function loadLoop(targets: { url: string; path: string }[], concurrency = 4) {
  let running = true;
  const failures: string[] = [];
  let ok = 0;
  const loops = Array.from({ length: concurrency }, async (_, i) => {
    let n = i;
    while (running) {
      const t = targets[n++ % targets.length];
      try {
        const r = await proxyGet(t.url, t.path);
        if (r.status === 200) ok++;
        else failures.push(`${t.url}${t.path}: ${r.status} ${r.body.slice(0, 120)}`);
      } catch (err) {
        failures.push(`${t.url}${t.path}: ${String(err)}`);
      }
    }
  });
  return {
    get ok() {
      return ok;
    },
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
