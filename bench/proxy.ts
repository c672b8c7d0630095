import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureInterleaved, ratio, type Contender } from './lib/compare.js';
import { startNginxProxy } from './lib/nginx.js';
import { inParallel } from './lib/parallel.js';
import { freePort, startProcess, stopProcess, waitForPort } from './lib/processes.js';
import { admin, startSilverback, waitForRoute, type SilverbackProcess } from './lib/silverback.js';
import { ensureWrk, formatTable, type WrkResult } from './lib/wrk.js';

const ref = (f: string) => fileURLToPath(new URL(`./reference/${f}`, import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUTES = Number(process.env.BENCH_ROUTES ?? 10_000);

/** A node with one service in front of the upstream and a catch-all route. */
async function silverbackWithRoute(upstreamPort: number, workers: number | 'auto'): Promise<SilverbackProcess> {
  const sb = await startSilverback({ workers });
  await admin(sb.adminUrl, 'POST', '/services', { name: 'bench', url: `http://127.0.0.1:${upstreamPort}` });
  await admin(sb.adminUrl, 'POST', '/services/bench/routes', { name: 'r0', paths: ['/'] });
  await waitForRoute(sb.proxyPort, '/');
  return sb;
}

/**
 * `total` routes on the bench service: path routes, every other one also bound to a host, created
 * with concurrent Admin API requests (the embedded store takes no bulk `POST /config`).
 */
async function addRoutes(sb: SilverbackProcess, total: number): Promise<string> {
  const started = performance.now();
  await inParallel(total - 1, 32, (j) => {
    const i = j + 1;
    return admin(sb.adminUrl, 'POST', '/services/bench/routes', { paths: [`/r${i}/items`], hosts: i % 2 ? [`h${i}.example.com`] : undefined });
  });
  process.stderr.write(`created ${total - 1} routes in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const probe = `/r${total - 2}/items`;
  await waitForRoute(sb.proxyPort, probe, 120_000);
  return probe;
}

/**
 * Direct upstream, nginx, a minimal Node proxy and Silverback in front of the same upstream,
 * measured interleaved in one run (see lib/compare.ts); ratios only between figures of this run.
 * BENCH_ONLY=base skips the many-routes and all-workers groups; BENCH_ONLY=routes or =workers
 * adds just that one.
 */
export async function main(): Promise<void> {
  ensureWrk();
  const only = process.env.BENCH_ONLY?.split(',');
  const want = (s: string) => !only || only.includes(s);
  const cores = cpus().length;
  const opts = { seconds: SECONDS, connections: CONNECTIONS, rounds: ROUNDS };
  const upstreamPort = await freePort();
  const upstream = startProcess(process.execPath, [ref('upstream.mjs'), String(upstreamPort)]);
  await waitForPort(upstreamPort);
  const rows: { name: string; r: WrkResult; ratio?: string }[] = [];

  // One worker each: direct, nginx, minimal Node proxy, Silverback with 1 route and with many.
  const nginxPort = await freePort();
  const nginx = startNginxProxy(nginxPort, upstreamPort, 1);
  const minimalPort = await freePort();
  const minimal = startProcess(process.execPath, [ref('minimal-proxy.mjs'), String(minimalPort), String(upstreamPort)]);
  await Promise.all([waitForPort(nginxPort), waitForPort(minimalPort)]);
  const sb1 = await silverbackWithRoute(upstreamPort, 1);
  const contenders: Contender[] = [
    { name: 'direct', url: `http://127.0.0.1:${upstreamPort}/` },
    { name: 'nginx1', url: `http://127.0.0.1:${nginxPort}/` },
    { name: 'minimal', url: `http://127.0.0.1:${minimalPort}/` },
    { name: 'sb1', url: `http://127.0.0.1:${sb1.proxyPort}/` },
  ];
  let sbMany: SilverbackProcess | null = null;
  if (want('routes')) {
    sbMany = await silverbackWithRoute(upstreamPort, 1);
    const probe = await addRoutes(sbMany, ROUTES);
    contenders.push({ name: 'sbMany', url: `http://127.0.0.1:${sbMany.proxyPort}${probe}` });
  }
  const single = measureInterleaved(contenders, opts);
  rows.push({ name: 'upstream direct', r: single.direct });
  rows.push({ name: 'nginx, 1 worker', r: single.nginx1 });
  rows.push({ name: 'minimal Node proxy (node:http + undici stream)', r: single.minimal, ratio: `${ratio(single.minimal, single.nginx1)} nginx` });
  rows.push({ name: 'Silverback, 1 worker, 1 route', r: single.sb1, ratio: `${ratio(single.sb1, single.nginx1)} nginx, ${ratio(single.sb1, single.minimal)} minimal` });
  if (single.sbMany) rows.push({ name: `Silverback, 1 worker, ${ROUTES} routes`, r: single.sbMany, ratio: `${ratio(single.sbMany, single.sb1)} 1 route` });
  await Promise.all([stopProcess(nginx), stopProcess(minimal), stopProcess(sb1.child), sbMany ? stopProcess(sbMany.child) : undefined]);

  if (want('workers') && cores > 1) {
    const port = await freePort();
    const nginxN = startNginxProxy(port, upstreamPort, cores);
    await waitForPort(port);
    const sbN = await silverbackWithRoute(upstreamPort, 'auto');
    const all = measureInterleaved(
      [
        { name: 'nginxN', url: `http://127.0.0.1:${port}/`, wrk: { threads: 2 } },
        { name: 'sbN', url: `http://127.0.0.1:${sbN.proxyPort}/`, wrk: { threads: 2 } },
      ],
      opts,
    );
    rows.push({ name: `nginx, ${cores} workers`, r: all.nginxN });
    rows.push({ name: `Silverback, ${cores} workers`, r: all.sbN, ratio: `${ratio(all.sbN, all.nginxN)} nginx ${cores} workers` });
    await Promise.all([stopProcess(nginxN), stopProcess(sbN.child)]);
  }

  await stopProcess(upstream);
  process.stdout.write(`\nproxy benchmark: ${cores} cores, wrk -c ${CONNECTIONS} -d ${SECONDS}s × ${ROUNDS} interleaved rounds (median), Node ${process.version}\n\n${formatTable(rows)}\n`);
}
