/**
 * Three nodes (separate startNode instances, separate prefixes and node ids) on one PostgreSQL
 * over verified TLS: a change made on one is served by every node, a stopped node catches up,
 * and a PostgreSQL outage under load fails no proxy request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { admin, loadLoop, proxyGet, startClusterNode, startTlsDatabase, until, type ClusterNode, type TlsDatabase } from './harness.js';

let db: TlsDatabase;
let upstream: EchoServer;
const nodes: ClusterNode[] = [];

beforeAll(async () => {
  db = await startTlsDatabase();
  upstream = await startEchoServer();
  for (const name of ['a', 'b', 'c']) nodes.push(await startClusterNode(db, name));
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await n.destroy().catch(() => undefined);
  await upstream?.close();
  await db?.destroy();
});

async function addRoute(on: ClusterNode, name: string): Promise<number> {
  const svc = await admin(on.adminUrl, 'PUT', `/services/${name}`, { url: upstream.url });
  expect(svc.status, JSON.stringify(svc.body)).toBeLessThan(300);
  const route = await admin(on.adminUrl, 'POST', `/services/${name}/routes`, { name: `${name}-route`, 'paths[]': `/${name}` });
  expect(route.status, JSON.stringify(route.body)).toBe(201);
  return performance.now();
}

describe('change propagation', () => {
  it('serves a route created on one node from every node, and a deletion too', async () => {
    const [a, b, c] = nodes;
    const written = await addRoute(a, 'prop1');
    for (const n of [a, b, c]) {
      await until(() => proxyGet(n.proxyUrl, '/prop1'), (r) => r.status === 200);
      // eslint-disable-next-line no-console
      console.log(`[propagation] node ${a.name} -> node ${n.name}: route served ${(performance.now() - written).toFixed(1)} ms after the Admin API answered`);
    }
    expect((await proxyGet(c.proxyUrl, '/prop1')).status).toBe(200);

    expect((await admin(b.adminUrl, 'DELETE', '/services/prop1/routes/prop1-route')).status).toBe(204);
    for (const n of [a, c]) await until(() => proxyGet(n.proxyUrl, '/prop1'), (r) => r.status === 404);
    expect((await proxyGet(a.proxyUrl, '/prop1')).status).toBe(404);
  }, 60_000);

  it('prints the propagation delay over 20 changes (measured, not asserted)', async () => {
    const [a, b] = nodes;
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const written = await addRoute(a, `burst${i}`);
      await until(() => proxyGet(b.proxyUrl, `/burst${i}`), (r) => r.status === 200, 30_000, 1);
      delays.push(performance.now() - written);
    }
    delays.sort((x, y) => x - y);
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))].toFixed(1);
    // eslint-disable-next-line no-console
    console.log(`[propagation] a -> b over ${delays.length} changes: p50 ${p(0.5)} ms, p90 ${p(0.9)} ms, max ${p(1)} ms`);
    expect(delays).toHaveLength(20);
  }, 120_000);

  it('a node stopped while changes are made catches up when it starts again', async () => {
    const [a, , c] = nodes;
    await c.stop();
    await addRoute(a, 'while-down');
    await c.restart();
    const r = await until(() => proxyGet(c.proxyUrl, '/while-down'), (x) => x.status === 200);
    expect(r.value.status).toBe(200);
  }, 60_000);
});

describe('PostgreSQL outage', () => {
  it('keeps serving under load, answers Admin writes 503, reports it, and recovers on its own', async () => {
    const [a, b, c] = nodes;
    await addRoute(a, 'steady');
    for (const n of nodes) await until(() => proxyGet(n.proxyUrl, '/steady'), (r) => r.status === 200);

    const load = loadLoop(nodes.map((n) => ({ url: n.proxyUrl, path: '/steady' })));
    try {
      await db.pg.stop();
      const down = performance.now();
      for (const n of nodes) {
        const s = await until(() => admin(n.statusUrl, 'GET', '/status'), (r) => r.body?.database?.reachable === false, 30_000, 50);
        expect(s.value.body.database.reachable).toBe(false);
      }
      const write = await admin(b.adminUrl, 'POST', '/services', { name: 'during-outage', url: upstream.url });
      expect(write.status).toBe(503);
      expect(write.body.message).toContain('database is unreachable');
      // Hold the outage for ~12 s of traffic.
      await new Promise((r) => setTimeout(r, Math.max(0, 12_000 - (performance.now() - down))));
      await db.pg.start();
      await until(() => admin(c.adminUrl, 'POST', '/services', { name: 'after-outage', url: upstream.url }), (r) => r.status === 201, 60_000, 200);
      await until(() => admin(a.statusUrl, 'GET', '/status'), (r) => r.body?.database?.reachable === true, 30_000, 100);
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
    expect(load.ok).toBeGreaterThan(0);
    // eslint-disable-next-line no-console
    console.log(`[outage] ${load.ok} proxy requests served during the outage window, ${load.failures.length} failed`);

    // Writes and propagation work again after the outage.
    await addRoute(c, 'post-outage');
    for (const n of [a, b]) await until(() => proxyGet(n.proxyUrl, '/post-outage'), (r) => r.status === 200, 30_000);
  }, 180_000);

  it('a node started while PostgreSQL is down serves the snapshot saved in its prefix, then catches up', async () => {
    const [a, , c] = nodes;
    await addRoute(a, 'saved');
    await until(() => proxyGet(c.proxyUrl, '/saved'), (r) => r.status === 200);
    await c.stop();
    await db.pg.stop();
    try {
      await c.restart();
      expect((await proxyGet(c.proxyUrl, '/saved')).status).toBe(200);
      expect((await admin(c.adminUrl, 'POST', '/services', { name: 'refused', url: upstream.url })).status).toBe(503);
      expect((await admin(c.statusUrl, 'GET', '/status')).body.database.reachable).toBe(false);
    } finally {
      await db.pg.start();
    }
    await until(() => admin(a.adminUrl, 'PUT', '/services/late', { url: upstream.url }), (r) => r.status < 300, 60_000, 200);
    expect((await admin(a.adminUrl, 'POST', '/services/late/routes', { name: 'late-route', 'paths[]': '/late' })).status).toBe(201);
    await until(() => proxyGet(c.proxyUrl, '/late'), (r) => r.status === 200, 60_000, 50);
  }, 180_000);
});
