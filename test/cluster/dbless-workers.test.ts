/**
 * DB-less (`database = off`) with two proxy workers: `POST /config` is handled by the primary,
 * whose snapshot swap is shipped to every worker. Under load, every response comes from one
 * configuration or the other, never a mix, and both workers end on the last one posted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/cli.js';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { startCliNode, stopCliNode, trackerPid, workerPids, type CliNode } from './cli-node.js';
import { until } from './harness.js';

let upstream: EchoServer;
let node: CliNode;
let proxyUrl: string;
let adminUrl: string;

/** Version N: the upstream path and a header added by a plugin both name it. */
function config(version: string) {
  return {
    _format_version: '3.0',
    services: [
      {
        name: 'svc',
        url: `${upstream.url}/${version}`,
        routes: [{ name: 'mix', paths: ['/mix'] }],
        plugins: [{ name: 'request-transformer', config: { add: { headers: [`x-config:${version}`] } } }],
      },
    ],
    plugins: [{ name: 'correlation-id', config: { generator: 'tracker', header_name: 'X-Trace', echo_downstream: true } }],
  };
}

async function post(version: string): Promise<void> {
  const res = await fetch(`${adminUrl}/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config(version)) });
  expect(res.status, await res.text()).toBe(201);
}

interface Seen {
  pid?: number;
  pathVersion?: string;
  headerVersion?: string;
  error?: string;
}

async function probe(): Promise<Seen> {
  try {
    const res = await fetch(`${proxyUrl}/mix`, { headers: { connection: 'close' } });
    const text = await res.text();
    if (res.status !== 200) return { error: `${res.status} ${text.slice(0, 120)}` };
    const echo = JSON.parse(text) as { path: string; headers: Record<string, string> };
    return { pid: trackerPid(res.headers.get('x-trace')), pathVersion: echo.path.split('/')[1], headerVersion: echo.headers['x-config'] };
  } catch (err) {
    return { error: String(err) };
  }
}

/** Probes until every worker has answered with `version`. */
async function servedEverywhere(version: string): Promise<void> {
  const onIt = new Set<number>();
  await until(
    async () => {
      const s = await probe();
      if (s.pid && s.pathVersion === version) onIt.add(s.pid);
      return onIt.size;
    },
    (n) => n === 2,
    30_000,
    5,
  );
}

beforeAll(async () => {
  upstream = await startEchoServer();
  const [proxy, adminPort] = [await freePort(), await freePort()];
  node = await startCliNode('dbless-workers', {
    KONG_DATABASE: 'off',
    KONG_PROXY_LISTEN: `127.0.0.1:${proxy}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
    KONG_STATUS_LISTEN: 'off',
    KONG_NGINX_WORKER_PROCESSES: '2',
  });
  proxyUrl = `http://127.0.0.1:${proxy}`;
  adminUrl = `http://127.0.0.1:${adminPort}`;
}, 180_000);

afterAll(async () => {
  await stopCliNode(node);
  await upstream?.close();
}, 60_000);

describe('DB-less node with two workers', () => {
  it('ships each POST /config to every worker; no response mixes two configurations', async () => {
    expect(workerPids(node)).toHaveLength(2);
    await post('v1');
    await servedEverywhere('v1');

    const seen: Seen[] = [];
    let running = true;
    const loops = Array.from({ length: 4 }, async () => {
      while (running) seen.push(await probe());
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      await post('v2');
      await servedEverywhere('v2');
      await post('v3');
      await servedEverywhere('v3');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      running = false;
      await Promise.all(loops);
    }

    expect(seen.filter((s) => s.error).map((s) => s.error)).toEqual([]);
    const mixed = seen.filter((s) => s.pathVersion !== s.headerVersion);
    expect(mixed).toEqual([]);
    const versions = new Set(seen.map((s) => s.pathVersion));
    expect(versions.has('v2')).toBe(true);
    // Every worker served the last configuration, and only it, at the end.
    const pids = workerPids(node);
    for (const pid of pids) {
      const last = seen.filter((s) => s.pid === pid).at(-1);
      expect(last?.pathVersion).toBe('v3');
    }
    expect(new Set(seen.map((s) => s.pid))).toEqual(new Set(pids));
  }, 120_000);
});
