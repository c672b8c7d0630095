/**
 * Real processes through the CLI: node P runs two proxy workers, node Q one process, both on
 * one PostgreSQL over verified TLS with their own prefixes and ports. Covers propagation into
 * workers, a worker killed under load, and `silverback reload` under load.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../harness/cli.js';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { admin, loadLoop, proxyGet, startTlsDatabase, until, type TlsDatabase } from './harness.js';

interface CliNode {
  env: Record<string, string>;
  prefix: string;
  proxyUrl: string;
  adminUrl: string;
}

let db: TlsDatabase;
let upstream: EchoServer;
let p: CliNode;
let q: CliNode;

async function cliNode(name: string, workers: number): Promise<CliNode> {
  const prefix = mkdtempSync(join(tmpdir(), `silverback-cluster-cli-${name}-`));
  const proxyPort = await freePort();
  const adminPort = await freePort();
  const env = {
    ...db.env,
    KONG_PREFIX: prefix,
    KONG_PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
    KONG_STATUS_LISTEN: 'off',
    KONG_NGINX_WORKER_PROCESSES: String(workers),
    KONG_LOG_LEVEL: 'info',
  };
  const r = await runCli(['start'], env);
  if (r.code !== 0) {
    const log = existsSync(join(prefix, 'logs', 'silverback.out')) ? readFileSync(join(prefix, 'logs', 'silverback.out'), 'utf8') : '';
    rmSync(prefix, { recursive: true, force: true });
    throw new Error(`start ${name} failed: ${r.stderr}\n${log.slice(-3000)}`);
  }
  return { env, prefix, proxyUrl: `http://127.0.0.1:${proxyPort}`, adminUrl: `http://127.0.0.1:${adminPort}` };
}

function workerPids(n: CliNode): number[] {
  const file = join(n.prefix, 'pids', 'workers');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopNode(n: CliNode | undefined): Promise<void> {
  if (!n) return;
  const pids = workerPids(n);
  await runCli(['stop'], n.env).catch(() => undefined);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(n.prefix, { recursive: true, force: true });
}

beforeAll(async () => {
  db = await startTlsDatabase();
  upstream = await startEchoServer();
  p = await cliNode('p', 2);
  q = await cliNode('q', 1);
}, 180_000);

afterAll(async () => {
  await stopNode(p);
  await stopNode(q);
  await upstream?.close();
  await db?.destroy();
}, 120_000);

describe('separate processes via the CLI', () => {
  it('a node with two workers serves a change made on another node', async () => {
    expect(workerPids(p)).toHaveLength(2);
    expect((await admin(q.adminUrl, 'PUT', '/services/cli', { url: upstream.url })).status).toBeLessThan(300);
    expect((await admin(q.adminUrl, 'POST', '/services/cli/routes', { name: 'cli-route', 'paths[]': '/cli' })).status).toBe(201);
    const written = performance.now();
    await until(() => proxyGet(p.proxyUrl, '/cli'), (r) => r.status === 200);
    // eslint-disable-next-line no-console
    console.log(`[propagation] q -> p (2 workers, separate processes): ${(performance.now() - written).toFixed(1)} ms`);
    // Every worker has it: many fresh connections all succeed.
    for (let i = 0; i < 20; i++) expect((await proxyGet(p.proxyUrl, '/cli')).status).toBe(200);
  }, 60_000);

  it('a worker killed under load is replaced while the other keeps serving', async () => {
    const [victim, survivor] = workerPids(p);
    const load = loadLoop([{ url: p.proxyUrl, path: '/cli' }], 4);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(victim, 'SIGKILL');
    const replaced = await until(async () => workerPids(p), (pids) => pids.length === 2 && !pids.includes(victim), 30_000, 50);
    await load.stop();
    expect(replaced.value).toContain(survivor);
    // Only requests in flight on the killed worker can fail (at most one per client loop).
    expect(load.failures.length).toBeLessThanOrEqual(4);
    for (let i = 0; i < 30; i++) expect((await proxyGet(p.proxyUrl, '/cli')).status).toBe(200);
  }, 60_000);

  it('reload replaces every worker under load without a failed request', async () => {
    const before = workerPids(p);
    const load = loadLoop([{ url: p.proxyUrl, path: '/cli' }], 4);
    await new Promise((r) => setTimeout(r, 300));
    const r = await runCli(['reload'], p.env);
    await new Promise((res) => setTimeout(res, 300));
    await load.stop();
    expect(r.code, r.stderr).toBe(0);
    const after = workerPids(p);
    expect(after).toHaveLength(2);
    for (const pid of before) expect(after).not.toContain(pid);
    expect(load.failures).toEqual([]);
    expect(load.ok).toBeGreaterThan(0);
  }, 120_000);

  it('local rate limits count per node across its workers', async () => {
    const route = (await admin(p.adminUrl, 'POST', '/services/cli/routes', { name: 'limited', 'paths[]': '/limited' })).body as { id: string };
    const plugin = await admin(p.adminUrl, 'POST', `/routes/${route.id}/plugins`, {
      name: 'rate-limiting',
      'config.day': '15',
      'config.policy': 'local',
      'config.limit_by': 'header',
      'config.header_name': 'X-Key',
    });
    expect(plugin.status).toBe(201);
    // Wait with another key until both workers enforce the plugin; the real key starts at zero.
    for (let i = 0; i < 10; i++) {
      await until(
        () => fetch(`${p.proxyUrl}/limited`, { headers: { 'X-Key': 'probe', Connection: 'close' } }),
        (r) => r.headers.get('x-ratelimit-limit-day') === '15',
      );
    }
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${p.proxyUrl}/limited`, { headers: { 'X-Key': 'real', Connection: 'close' } }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(15);
    expect(results.filter((s) => s === 429)).toHaveLength(45);
  }, 60_000);
});

