/**
 * A real node with two proxy workers (CLI `start`, nginx_worker_processes = 2) on PostgreSQL
 * over verified TLS: what lives in the workers (metrics, proxy-cache entries) is visible and
 * purgeable through the primary's Admin API and status listener; ssl status and admin
 * listeners are served; Admin API reads keep working from the snapshot while the database is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/cli.js';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { parsePrometheusText, valueOf } from '../plugins-extra/prom-text.js';
import { httpsGet, startCliNode, stopCliNode, trackerPid, workerPids, type CliNode } from './cli-node.js';
import { admin, startTlsDatabase, until, type TlsDatabase } from './harness.js';

let db: TlsDatabase;
let upstream: EchoServer;
let node: CliNode;
let proxyUrl: string;
let adminUrl: string;
let statusUrl: string;
let adminSslPort: number;
let statusSslPort: number;

/** A fresh connection per request, so the kernel may hand it to either worker. */
async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(proxyUrl + path, { headers: { connection: 'close', ...headers } });
  const body = await res.text();
  return { status: res.status, body, headers: res.headers, pid: trackerPid(res.headers.get('x-trace')) };
}

async function counted(base: string, route: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const family = parsePrometheusText(text).get('kong_http_requests_total');
  return (family?.samples ?? []).filter((s) => s.labels.route === route).reduce((n, s) => n + s.value, 0);
}

beforeAll(async () => {
  db = await startTlsDatabase();
  upstream = await startEchoServer();
  const [proxy, adminPort, status] = [await freePort(), await freePort(), await freePort()];
  adminSslPort = await freePort();
  statusSslPort = await freePort();
  node = await startCliNode('workers', {
    ...db.env,
    KONG_PROXY_LISTEN: `127.0.0.1:${proxy}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${adminPort}, 127.0.0.1:${adminSslPort} http2 ssl`,
    KONG_STATUS_LISTEN: `127.0.0.1:${status}, 127.0.0.1:${statusSslPort} ssl`,
    KONG_NGINX_WORKER_PROCESSES: '2',
  });
  proxyUrl = `http://127.0.0.1:${proxy}`;
  adminUrl = `http://127.0.0.1:${adminPort}`;
  statusUrl = `http://127.0.0.1:${status}`;
  const must = async (r: Promise<{ status: number; body: any }>) => {
    const res = await r;
    if (res.status >= 300) throw new Error(`Admin API answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await must(admin(adminUrl, 'PUT', '/services/echo', { url: upstream.url }));
  await must(admin(adminUrl, 'POST', '/services/echo/routes', { name: 'counted', 'paths[]': '/counted' }));
  const cached = await must(admin(adminUrl, 'POST', '/services/echo/routes', { name: 'cached', 'paths[]': '/cached' }));
  await must(admin(adminUrl, 'POST', `/routes/${cached.id}/plugins`, { name: 'proxy-cache', 'config.strategy': 'memory', 'config.content_type[]': 'application/json', 'config.cache_ttl': '300' }));
  await must(admin(adminUrl, 'POST', '/plugins', { name: 'prometheus', 'config.status_code_metrics': 'true' }));
  // The worker's pid comes back in every response (tracker ids carry it).
  await must(admin(adminUrl, 'POST', '/plugins', { name: 'correlation-id', 'config.generator': 'tracker', 'config.header_name': 'X-Trace', 'config.echo_downstream': 'true' }));
  // Both workers have the whole configuration once each has answered with it.
  const ready = new Set<number>();
  await until(
    async () => {
      const r = await get('/counted/probe');
      if (r.status === 200 && r.pid && r.headers.get('x-trace')) ready.add(r.pid);
      return ready.size;
    },
    (n) => n === 2,
    60_000,
    20,
  );
}, 240_000);

afterAll(async () => {
  await stopCliNode(node);
  await upstream?.close();
  await db?.destroy();
}, 120_000);

describe('a node with two proxy workers', () => {
  it('/metrics on the status listener and the Admin API counts the requests of every worker', async () => {
    const before = await counted(statusUrl, 'counted');
    const servedBy = new Set<number>();
    let sent = 0;
    // Keep sending until both workers served some (the kernel picks the worker per connection).
    while (sent < 40 || (servedBy.size < 2 && sent < 400)) {
      const r = await get('/counted/x');
      expect(r.status).toBe(200);
      if (r.pid) servedBy.add(r.pid);
      sent++;
    }
    expect([...servedBy].sort()).toEqual(workerPids(node).sort());
    // Logged after the response: the last few may still be on their way.
    const scraped = await until(() => counted(statusUrl, 'counted'), (n) => n >= before + sent, 10_000, 20);
    expect(scraped.value).toBe(before + sent);
    expect(await counted(adminUrl, 'counted')).toBe(before + sent);

    const families = parsePrometheusText(await (await fetch(`${statusUrl}/metrics`)).text());
    // One memory gauge per worker process, and the node's request total covers both.
    const pids = families.get('kong_memory_workers_lua_vms_bytes')!.samples.map((s) => Number(s.labels.pid)).sort();
    expect(pids).toEqual(workerPids(node).sort());
    expect(valueOf(families, 'kong_nginx_requests_total')).toBeGreaterThanOrEqual(before + sent);
    const status = (await admin(statusUrl, 'GET', '/status')).body;
    expect(status.server.total_requests).toBeGreaterThanOrEqual(before + sent);
    expect(status.memory.workers_lua_vms.map((w: { pid: number }) => w.pid).sort()).toEqual(workerPids(node).sort());
  }, 120_000);

  it('proxy-cache: the Admin API finds entries cached by a worker and purges them in every worker', async () => {
    /** Requests until each worker has answered; returns each worker's X-Cache-Status and the key. */
    const perWorker = async () => {
      const seen = new Map<number, string>();
      let key = '';
      for (let i = 0; i < 400 && seen.size < 2; i++) {
        const r = await get('/cached/item');
        expect(r.status).toBe(200);
        key = r.headers.get('x-cache-key') ?? key;
        if (r.pid && !seen.has(r.pid)) seen.set(r.pid, r.headers.get('x-cache-status') ?? '');
      }
      expect(seen.size).toBe(2);
      return { seen, key };
    };
    const { key } = await perWorker();
    // Now both workers hold the entry: each answers Hit.
    const warm = await perWorker();
    expect([...warm.seen.values()]).toEqual(['Hit', 'Hit']);

    const found = await admin(adminUrl, 'GET', `/proxy-cache/${key}`);
    expect(found.status).toBe(200);
    expect(found.body.status).toBe(200);
    // strip_path: the upstream saw /item.
    expect(JSON.parse(found.body.body).path).toBe('/item');

    expect((await admin(adminUrl, 'DELETE', `/proxy-cache/${key}`)).status).toBe(204);
    // Gone from every worker: no worker answers the lookup, and each misses on its next request.
    expect((await admin(adminUrl, 'GET', `/proxy-cache/${key}`)).status).toBe(404);
    expect((await admin(adminUrl, 'DELETE', `/proxy-cache/${key}`)).status).toBe(404);
    const afterDelete = await perWorker();
    expect([...afterDelete.seen.values()]).toEqual(['Miss', 'Miss']);

    // Fill both again, then purge everything.
    await perWorker();
    expect((await admin(adminUrl, 'GET', `/proxy-cache/${key}`)).status).toBe(200);
    expect((await admin(adminUrl, 'DELETE', '/proxy-cache')).status).toBe(204);
    expect((await admin(adminUrl, 'GET', `/proxy-cache/${key}`)).status).toBe(404);
    const afterPurge = await perWorker();
    expect([...afterPurge.seen.values()]).toEqual(['Miss', 'Miss']);
  }, 120_000);

  it('serves the ssl status and Admin API listeners with the generated default certificates', async () => {
    const status = await httpsGet(statusSslPort, '/status');
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body).database).toEqual({ reachable: true });
    expect(status.subjectCn).toBe('localhost');
    const metrics = await httpsGet(statusSslPort, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('kong_http_requests_total');
    // The status API is not the Admin API.
    expect((await httpsGet(statusSslPort, '/services')).status).toBe(404);
    const root = await httpsGet(adminSslPort, '/');
    expect(root.status).toBe(200);
    expect(JSON.parse(root.body).pids.workers.sort()).toEqual(workerPids(node).sort());
  }, 60_000);

  it('while PostgreSQL is down, Admin API reads come from the snapshot and writes answer 503', async () => {
    await db.pg.stop();
    try {
      await until(() => admin(statusUrl, 'GET', '/status'), (r) => r.body?.database?.reachable === false, 60_000, 100);
      const service = await admin(adminUrl, 'GET', '/services/echo');
      expect(service.status).toBe(200);
      expect(service.body.name).toBe('echo');
      const routes = await admin(adminUrl, 'GET', '/services/echo/routes');
      expect(routes.status).toBe(200);
      expect(routes.body.data.map((r: { name: string }) => r.name).sort()).toEqual(['cached', 'counted']);
      expect((await admin(adminUrl, 'GET', '/services/no-such')).status).toBe(404);
      const write = await admin(adminUrl, 'POST', '/services', { name: 'during-outage', url: upstream.url });
      expect(write.status).toBe(503);
      expect(write.body.message).toMatch(/database is unreachable/);
      // The workers keep proxying.
      expect((await get('/counted/outage')).status).toBe(200);
    } finally {
      await db.pg.start();
    }
    await until(() => admin(adminUrl, 'POST', '/services', { name: 'after-outage', url: upstream.url }), (r) => r.status === 201, 60_000, 200);
  }, 180_000);
});
