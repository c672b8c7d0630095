/**
 * Propagation between nodes: time from an Admin API write on node A (its answer) to the first
 * request node B serves with the change, over 100 changes, on one PostgreSQL over verified TLS.
 * Node B runs BENCH_WORKERS proxy workers (default 2), so the time includes shipping the
 * snapshot to its workers. Prints p50 / p90 / p99 / max.
 */
import { fileURLToPath } from 'node:url';
import { startTlsDatabase } from '../test/cluster/harness.js';
import { freePort, startProcess, stopProcess, waitForPort } from './lib/processes.js';
import { admin, startSilverback, type SilverbackProcess } from './lib/silverback.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

async function firstServed(proxyPort: number, path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${proxyPort}${path}`, { headers: { connection: 'close' } }).catch(() => null);
    if (res) {
      await res.arrayBuffer();
      if (res.status === 200) return;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`node B did not serve ${path} within ${timeoutMs} ms`);
}

function percentile(sorted: number[], q: number): string {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1);
}

export async function main(): Promise<void> {
  const db = await startTlsDatabase();
  const upstreamPort = await freePort();
  const upstream = startProcess(process.execPath, [fileURLToPath(new URL('./reference/upstream.mjs', import.meta.url)), String(upstreamPort)]);
  const nodes: SilverbackProcess[] = [];
  try {
    await waitForPort(upstreamPort);
    nodes.push(await startSilverback({ workers: 1, env: db.env }));
    nodes.push(await startSilverback({ workers: WORKERS, env: db.env }));
    const [a, b] = nodes;
    await admin(a.adminUrl, 'PUT', '/services/bench', { url: `http://127.0.0.1:${upstreamPort}` });
    const delays: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      await admin(a.adminUrl, 'POST', '/services/bench/routes', { name: `r${i}`, paths: [`/r${i}`] });
      const written = performance.now();
      await firstServed(b.proxyPort, `/r${i}`);
      delays.push(performance.now() - written);
    }
    delays.sort((x, y) => x - y);
    process.stdout.write(
      `propagation A -> B (${CHANGES} changes, B with ${WORKERS} workers, PostgreSQL over TLS)\n` +
        `  p50 ${percentile(delays, 0.5)} ms   p90 ${percentile(delays, 0.9)} ms   p99 ${percentile(delays, 0.99)} ms   max ${percentile(delays, 1)} ms\n`,
    );
  } finally {
    for (const n of nodes) await stopProcess(n.child);
    await stopProcess(upstream);
    await db.destroy();
  }
}
