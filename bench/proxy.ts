import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startNginxProxy } from './lib/nginx.js';
import { freePort, startProcess, stopProcess, waitForPort } from './lib/processes.js';
import { admin, startSilverback, waitForRoute } from './lib/silverback.js';
import { ensureWrk, formatTable, runWrk } from './lib/wrk.js';
import type { WrkResult } from './lib/wrk.js';

const ref = (f: string) => fileURLToPath(new URL(`./reference/${f}`, import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

function measure(url: string): WrkResult {
  runWrk(url, { seconds: 1, connections: CONNECTIONS }); // warm-up
  return runWrk(url, { seconds: SECONDS, connections: CONNECTIONS });
}

/**
 * One run, one machine, one load generator: direct upstream, nginx, a minimal Node proxy and
 * Silverback in front of the same upstream; ratios are against figures from this same run.
 */
export async function main(): Promise<void> {
  ensureWrk();
  const only = process.env.BENCH_ONLY?.split(',');
  const want = (s: string) => !only || only.includes(s);
  const cores = cpus().length;
  const upstreamPort = await freePort();
  const upstream = startProcess(process.execPath, [ref('upstream.mjs'), String(upstreamPort)]);
  await waitForPort(upstreamPort);
  const rows: { name: string; r: WrkResult; ratio?: string }[] = [];
  const results: Record<string, WrkResult> = {};

  results.direct = measure(`http://127.0.0.1:${upstreamPort}/`);
  rows.push({ name: 'upstream direct', r: results.direct });

  for (const workers of [1, cores]) {
    if (workers !== 1 && !want('workers')) continue;
    const port = await freePort();
    const nginx = startNginxProxy(port, upstreamPort, workers);
    await waitForPort(port);
    results[`nginx${workers}`] = measure(`http://127.0.0.1:${port}/`);
    rows.push({ name: `nginx, ${workers} worker${workers > 1 ? 's' : ''}`, r: results[`nginx${workers}`] });
    await stopProcess(nginx);
  }

  const minimalPort = await freePort();
  const minimal = startProcess(process.execPath, [ref('minimal-proxy.mjs'), String(minimalPort), String(upstreamPort)]);
  await waitForPort(minimalPort);
  results.minimal = measure(`http://127.0.0.1:${minimalPort}/`);
  rows.push({ name: 'minimal Node proxy (node:http + undici stream)', r: results.minimal, ratio: `${(results.minimal.rps / results.nginx1.rps).toFixed(2)}× nginx` });
  await stopProcess(minimal);

  const sb = await startSilverback({ workers: 1 });
  await admin(sb.adminUrl, 'POST', '/services', { name: 'bench', url: `http://127.0.0.1:${upstreamPort}` });
  await admin(sb.adminUrl, 'POST', '/services/bench/routes', { name: 'r0', paths: ['/'] });
  await waitForRoute(sb.proxyPort, '/');
  results.sb1 = measure(`http://127.0.0.1:${sb.proxyPort}/`);
  rows.push({
    name: 'Silverback, 1 worker, 1 route',
    r: results.sb1,
    ratio: `${(results.sb1.rps / results.nginx1.rps).toFixed(2)}× nginx, ${(results.sb1.rps / results.minimal.rps).toFixed(2)}× minimal`,
  });

  if (want('routes')) {
    const total = Number(process.env.BENCH_ROUTES ?? 10_000);
    for (let i = 1; i < total; i++) {
      await admin(sb.adminUrl, 'POST', '/services/bench/routes', { paths: [`/r${i}/items`], hosts: i % 2 ? [`h${i}.example.com`] : undefined });
    }
    const probe = `/r${total - 2}/items`;
    await waitForRoute(sb.proxyPort, probe);
    results.sb10k = measure(`http://127.0.0.1:${sb.proxyPort}${probe}`);
    rows.push({ name: `Silverback, 1 worker, ${total} routes`, r: results.sb10k, ratio: `${(results.sb10k.rps / results.sb1.rps).toFixed(2)}× 1 route` });
  }
  await stopProcess(sb.child);

  if (want('workers') && cores > 1) {
    const sbN = await startSilverback({ workers: 'auto' });
    await admin(sbN.adminUrl, 'POST', '/services', { name: 'bench', url: `http://127.0.0.1:${upstreamPort}` });
    await admin(sbN.adminUrl, 'POST', '/services/bench/routes', { paths: ['/'] });
    await waitForRoute(sbN.proxyPort, '/');
    results.sbN = measure(`http://127.0.0.1:${sbN.proxyPort}/`);
    rows.push({ name: `Silverback, ${cores} workers`, r: results.sbN, ratio: `${(results.sbN.rps / results[`nginx${cores}`].rps).toFixed(2)}× nginx ${cores} workers` });
    await stopProcess(sbN.child);
  }

  await stopProcess(upstream);
  process.stdout.write(`\nproxy benchmark: ${cores} cores, wrk -c ${CONNECTIONS} -d ${SECONDS}s, Node ${process.version}\n\n${formatTable(rows)}\n`);
}
