import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBalancer, type Balancer, type Target } from '../../src/proxy/balancer/index.js';

/** A real upstream whose health-check answer can be switched, recording every probe it gets. */
interface Backend {
  port: number;
  status: number;
  probes: { path: string; host: string | undefined; probeHeader: string | undefined }[];
  server: http.Server;
}

async function startBackend(port = 0): Promise<Backend> {
  const backend: Backend = { port, status: 200, probes: [], server: http.createServer() };
  backend.server.on('request', (req, res) => {
    backend.probes.push({ path: req.url ?? '', host: req.headers.host, probeHeader: req.headers['x-probe'] as string | undefined });
    res.statusCode = backend.status;
    res.end('ok');
  });
  await new Promise<void>((resolve, reject) => {
    backend.server.once('error', reject);
    backend.server.listen(port, '127.0.0.1', () => resolve());
  });
  backend.port = (backend.server.address() as AddressInfo).port;
  return backend;
}

async function closeBackend(b: Backend): Promise<void> {
  if (!b.server.listening) return;
  b.server.closeAllConnections();
  await new Promise<void>((resolve) => b.server.close(() => resolve()));
}

/** Polls until `check` passes; the deadline is only a safety net, nothing asserts how long it took. */
async function eventually(check: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function targetsFor(backends: Backend[]): Target[] {
  return backends.map((b, i) => ({
    id: `00000000-0000-4000-8000-00000000000${i + 1}`,
    target: `127.0.0.1:${b.port}`,
    weight: 100,
    upstream: { id: 'up' },
  }));
}

const ctx = () => ({ clientIp: '127.0.0.1', headers: {}, path: '/', query: new URLSearchParams() });

function pickedPorts(balancer: Balancer, n: number): Set<number> {
  const ports = new Set<number>();
  for (let i = 0; i < n; i++) {
    const p = balancer.pick(ctx());
    if (p) {
      ports.add(p.port);
      balancer.release(p);
    }
  }
  return ports;
}

const healthOf = (balancer: Balancer, port: number) => balancer.health().find((t) => t.target.endsWith(`:${port}`))?.health;

let backends: Backend[] = [];
let balancers: Balancer[] = [];

afterEach(async () => {
  await Promise.all(balancers.map((b) => b.stop()));
  await Promise.all(backends.map(closeBackend));
  balancers = [];
  backends = [];
});

describe('active health checks against real servers', () => {
  it('excludes a server answering 500 and revives it when it answers 200 again', async () => {
    backends = await Promise.all([startBackend(), startBackend(), startBackend()]);
    const [a, b, c] = backends;
    const balancer = createBalancer(
      {
        name: 'svc.test',
        healthchecks: {
          active: {
            http_path: '/status',
            headers: { 'x-probe': ['yes'] },
            healthy: { interval: 0.2, successes: 2 },
            unhealthy: { interval: 0.2, http_failures: 2 },
          },
        },
      },
      targetsFor(backends),
    );
    balancers.push(balancer);
    balancer.start();
    expect(pickedPorts(balancer, 30)).toEqual(new Set([a.port, b.port, c.port]));

    b.status = 500;
    await eventually(() => healthOf(balancer, b.port) === 'UNHEALTHY', 'server b marked unhealthy');
    expect(pickedPorts(balancer, 30)).toEqual(new Set([a.port, c.port]));
    expect(healthOf(balancer, a.port)).toBe('HEALTHY');

    b.status = 200;
    await eventually(() => healthOf(balancer, b.port) === 'HEALTHY', 'server b revived');
    expect(pickedPorts(balancer, 30)).toEqual(new Set([a.port, b.port, c.port]));

    const probe = a.probes[0];
    expect(probe).toEqual({ path: '/status', host: '127.0.0.1', probeHeader: 'yes' });
  });

  it('excludes a closed server (tcp failures) and revives it when it listens again', async () => {
    backends = await Promise.all([startBackend(), startBackend(), startBackend()]);
    const [, , c] = backends;
    const balancer = createBalancer(
      {
        name: 'svc.test',
        healthchecks: {
          active: { healthy: { interval: 0.2, successes: 1 }, unhealthy: { interval: 0.2, tcp_failures: 1 } },
        },
      },
      targetsFor(backends),
    );
    balancers.push(balancer);
    balancer.start();

    const port = c.port;
    await closeBackend(c);
    await eventually(() => healthOf(balancer, port) === 'UNHEALTHY', 'closed server marked unhealthy');
    expect(pickedPorts(balancer, 30).has(port)).toBe(false);

    backends[2] = await startBackend(port);
    await eventually(() => healthOf(balancer, port) === 'HEALTHY', 'restarted server revived');
    expect(pickedPorts(balancer, 30).has(port)).toBe(true);
  });

  it('tcp checks, and a passive breaker healed by the active checker', async () => {
    backends = await Promise.all([startBackend(), startBackend()]);
    const [a, b] = backends;
    const balancer = createBalancer(
      {
        name: 'svc.test',
        healthchecks: {
          active: { type: 'tcp', unhealthy: { interval: 0.2 }, healthy: { successes: 1 } },
          passive: { unhealthy: { http_failures: 1 } },
        },
      },
      targetsFor(backends),
    );
    balancers.push(balancer);
    balancer.start();
    const pick = balancer.pick(ctx())!;
    balancer.report(pick, { kind: 'http', status: 503 });
    expect(healthOf(balancer, pick.port)).toBe('UNHEALTHY');
    expect(pickedPorts(balancer, 10)).toEqual(new Set([pick.port === a.port ? b.port : a.port]));
    await eventually(() => healthOf(balancer, pick.port) === 'HEALTHY', 'tcp probe heals the breaker');
    // tcp probes connect but never send a request.
    expect(a.probes.length + b.probes.length).toBe(0);
  });

  it('stop() ends all probing', async () => {
    backends = [await startBackend()];
    const balancer = createBalancer(
      { name: 'svc.test', healthchecks: { active: { healthy: { interval: 0.1 }, unhealthy: { interval: 0.1, http_failures: 1 } } } },
      targetsFor(backends),
    );
    balancers.push(balancer);
    balancer.start();
    await eventually(() => backends[0].probes.length >= 2, 'probes arrive');
    await balancer.stop();
    const seen = backends[0].probes.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(backends[0].probes.length).toBe(seen);
    expect(balancer.pick(ctx())).toBeNull();
  });
});
