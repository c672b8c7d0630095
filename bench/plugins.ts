import { fileURLToPath } from 'node:url';
import { measureInterleaved, ratio } from './lib/compare.js';
import { inParallel } from './lib/parallel.js';
import { freePort, startProcess, stopProcess, waitForPort } from './lib/processes.js';
import { admin, startSilverback, waitForRoute, type SilverbackProcess } from './lib/silverback.js';
import { ensureWrk, formatTable } from './lib/wrk.js';

const ref = (f: string) => fileURLToPath(new URL(`./reference/${f}`, import.meta.url));
const SCRIPT = fileURLToPath(new URL('./rotate-keys.lua', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUTES = 100;
const CONSUMERS = 100;

/** The same 100 routes `/p<i>/` on two nodes; `withPlugins` adds key-auth + rate-limiting to each route and 100 keyed consumers. */
async function node(upstreamPort: number, withPlugins: boolean): Promise<SilverbackProcess> {
  const sb = await startSilverback({ workers: 1 });
  await admin(sb.adminUrl, 'POST', '/services', { name: 'bench', url: `http://127.0.0.1:${upstreamPort}` });
  const routes = (await inParallel(ROUTES, 16, (i) => admin(sb.adminUrl, 'POST', '/services/bench/routes', { name: `p${i}`, paths: [`/p${i}/`] }))) as { id: string }[];
  if (withPlugins) {
    await inParallel(CONSUMERS, 16, async (i) => {
      await admin(sb.adminUrl, 'POST', '/consumers', { username: `bench-${i}` });
      await admin(sb.adminUrl, 'POST', `/consumers/bench-${i}/key-auth`, { key: `bench-key-${i}` });
    });
    await inParallel(ROUTES, 16, async (i) => {
      await admin(sb.adminUrl, 'POST', `/routes/${routes[i].id}/plugins`, { name: 'key-auth' });
      // A limit no run of this benchmark can reach: the counting is measured, never a 429.
      await admin(sb.adminUrl, 'POST', `/routes/${routes[i].id}/plugins`, { name: 'rate-limiting', config: { second: 1_000_000_000, policy: 'local' } });
    });
  }
  await waitForRoute(sb.proxyPort, `/p${ROUTES - 1}/`, 60_000, withPlugins ? { apikey: `bench-key-${CONSUMERS - 1}` } : {});
  return sb;
}

/**
 * key-auth + rate-limiting (local) on 100 routes with 100 consumers against the same routes
 * without plugins, one worker each, interleaved rounds; wrk rotates routes and keys (rotate-keys.lua).
 */
export async function main(): Promise<void> {
  ensureWrk();
  const upstreamPort = await freePort();
  const upstream = startProcess(process.execPath, [ref('upstream.mjs'), String(upstreamPort)]);
  await waitForPort(upstreamPort);
  const [plain, guarded] = await Promise.all([node(upstreamPort, false), node(upstreamPort, true)]);
  const env = { BENCH_ROUTE_COUNT: String(ROUTES), BENCH_CONSUMER_COUNT: String(CONSUMERS) };
  Object.assign(process.env, env);
  const r = measureInterleaved(
    [
      { name: 'plain', url: `http://127.0.0.1:${plain.proxyPort}`, wrk: { script: SCRIPT } },
      { name: 'guarded', url: `http://127.0.0.1:${guarded.proxyPort}`, wrk: { script: SCRIPT } },
    ],
    { seconds: SECONDS, connections: CONNECTIONS, rounds: ROUNDS },
  );
  await Promise.all([stopProcess(plain.child), stopProcess(guarded.child), stopProcess(upstream)]);
  const rows = [
    { name: `no plugins, ${ROUTES} routes`, r: r.plain },
    { name: `key-auth + rate-limiting (local), ${ROUTES} routes, ${CONSUMERS} consumers`, r: r.guarded, ratio: `${ratio(r.guarded, r.plain)} no plugins (target ≥ 0.85×)` },
  ];
  process.stdout.write(`\nplugins benchmark: 1 worker, wrk -c ${CONNECTIONS} -d ${SECONDS}s × ${ROUNDS} interleaved rounds (median), Node ${process.version}\n\n${formatTable(rows)}\n`);
}
