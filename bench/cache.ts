import { fileURLToPath } from 'node:url';
import { measureInterleaved, ratio } from './lib/compare.js';
import { freePort, startProcess, stopProcess, waitForPort } from './lib/processes.js';
import { admin, startSilverback, waitForRoute, type SilverbackProcess } from './lib/silverback.js';
import { ensureWrk, formatTable } from './lib/wrk.js';

const ref = (f: string) => fileURLToPath(new URL(`./reference/${f}`, import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** One worker, one service and catch-all route, and the plugins given (global unless they name a route). */
async function node(upstreamPort: number, plugins: Record<string, unknown>[]): Promise<SilverbackProcess> {
  const sb = await startSilverback({ workers: 1 });
  await admin(sb.adminUrl, 'POST', '/services', { name: 'bench', url: `http://127.0.0.1:${upstreamPort}` });
  const route = (await admin(sb.adminUrl, 'POST', '/services/bench/routes', { name: 'r0', paths: ['/'] })) as { id: string };
  for (const p of plugins) await admin(sb.adminUrl, 'POST', p.route ? `/routes/${route.id}/plugins` : '/plugins', { ...p, route: undefined });
  await waitForRoute(sb.proxyPort, '/');
  return sb;
}

/**
 * proxy-cache hits (memory strategy) and a global prometheus plugin, each against the plain
 * proxy, one worker per node, interleaved rounds. The upstream's JSON answer is cacheable, so
 * after the first request every proxy-cache request is a hit (X-Cache-Status: Hit).
 */
export async function main(): Promise<void> {
  ensureWrk();
  const upstreamPort = await freePort();
  const upstream = startProcess(process.execPath, [ref('upstream.mjs'), String(upstreamPort)]);
  await waitForPort(upstreamPort);
  const [plain, cached, metered] = await Promise.all([
    node(upstreamPort, []),
    node(upstreamPort, [{ name: 'proxy-cache', route: true, config: { strategy: 'memory', cache_ttl: 3600 } }]),
    node(upstreamPort, [{ name: 'prometheus', config: { status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true } }]),
  ]);
  const hit = await fetch(`http://127.0.0.1:${cached.proxyPort}/`);
  await hit.arrayBuffer();
  const status = hit.headers.get('x-cache-status');
  if (status !== 'Hit') process.stderr.write(`warning: the second proxy-cache request answered X-Cache-Status: ${status}, not Hit\n`);
  const r = measureInterleaved(
    [
      { name: 'plain', url: `http://127.0.0.1:${plain.proxyPort}/` },
      { name: 'cached', url: `http://127.0.0.1:${cached.proxyPort}/` },
      { name: 'metered', url: `http://127.0.0.1:${metered.proxyPort}/` },
    ],
    { seconds: SECONDS, connections: CONNECTIONS, rounds: ROUNDS },
  );
  await Promise.all([stopProcess(plain.child), stopProcess(cached.child), stopProcess(metered.child), stopProcess(upstream)]);
  const cost = (1 - r.metered.rps / r.plain.rps) * 100;
  const rows = [
    { name: 'proxy, no plugins', r: r.plain },
    { name: 'proxy-cache hits (memory)', r: r.cached, ratio: `${ratio(r.cached, r.plain)} proxying (target > 1×)` },
    { name: 'prometheus (global, all metrics)', r: r.metered, ratio: `${ratio(r.metered, r.plain)} no plugins: costs ${cost.toFixed(1)}% (target < 5%)` },
  ];
  process.stdout.write(`\ncache benchmark: 1 worker, wrk -c ${CONNECTIONS} -d ${SECONDS}s × ${ROUNDS} interleaved rounds (median), Node ${process.version}\n\n${formatTable(rows)}\n`);
}
