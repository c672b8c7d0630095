/**
 * Declarative load cost: time and peak memory to parse (YAML), validate and compile
 * (snapshot build: router, plugin index, balancers) files of growing size. Each size runs in
 * its own process so peak RSS belongs to that size alone.
 * Target: 10,000 routes with their services and plugins in < 2 s and < 300 MB (total = YAML
 * parse + validate + compile; the JSON column is for comparison and not in the total).
 */
import { spawn } from 'node:child_process';
import { request, Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import '../src/gateway/modules.js';
import '../src/plugins/bundled-auth.js';
import '../src/plugins/bundled-extra.js';
import { parseDeclarative, parseDocumentText } from '../src/declarative/index.js';
import { buildSnapshot } from '../src/snapshot/build.js';
import { createPluginRegistry } from '../src/plugins/registry.js';
import { createSnapshotManager, type SnapshotManager } from '../src/snapshot/manager.js';
import type { EntityRows } from '../src/snapshot/types.js';

interface Result {
  label: string;
  entities: number;
  parseMs: number;
  /** The same file as JSON: what the YAML parser costs in comparison. */
  jsonParseMs: number;
  validateMs: number;
  compileMs: number;
  totalMs: number;
  peakRssMb: number;
}

/** `services` services, each with one route and one plugin. */
function document(services: number): Record<string, unknown> {
  const list = [];
  for (let i = 0; i < services; i++) {
    list.push({
      name: `svc-${i}`,
      url: `http://10.0.${(i >> 8) & 255}.${i & 255}:8080/s${i}`,
      routes: [{ name: `route-${i}`, paths: [`/r${i}`], hosts: [`h${i % 50}.example.test`], methods: ['GET', 'POST'] }],
      plugins: [{ name: 'request-size-limiting', config: { allowed_payload_size: 1 + (i % 100) } }],
    });
  }
  return { _format_version: '3.0', services: list };
}

/*
 * Rebuild cost under Admin writes: 20 route changes per second for 10 s on 10,000 routes (with
 * their services and plugins) while a request loop measures latency through a server on the
 * same event loop (the single-process proxy's situation). Two ways to follow a change:
 * `reload` re-reads every row (fresh objects, as a datastore read gives) and rebuilds;
 * `patch` applies the change event to the current rows (SnapshotManager.applyChange).
 * The datastore read itself is not included in `reload`, so its figures flatter it.
 */
export interface RebuildResult {
  mode: string;
  changes: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  loopDelayP99Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export async function runRebuild(mode: 'reload' | 'patch', routes = 10_000, seconds = 10, perSecond = 20): Promise<RebuildResult> {
  const db = { ...parseDeclarative(JSON.stringify(document(routes))).rows } as Record<string, Record<string, unknown>[]>;
  const registry = createPluginRegistry({ plugins: ['bundled'] } as never, null);
  const manager: SnapshotManager = createSnapshotManager(db as EntityRows, {
    plugins: registry,
    source: async () => structuredClone(db) as EntityRows,
    persistPrefix: null,
  });
  const server = createServer(async (req, res) => {
    await manager.pending();
    const host = String(req.headers.host ?? '');
    const match = manager.current().router.match({ method: req.method ?? 'GET', scheme: 'http', host, port: 8000, rawPath: req.url ?? '/', headers: req.headers });
    res.writeHead(match ? 200 : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let running = true;
  const client = async (n: number) => {
    for (let i = n; running; i += 4) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const r = request({ port, host: '127.0.0.1', path: `/r${i % routes}/x`, headers: { host: `h${i % 50}.example.test` }, agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        r.on('error', reject);
        r.end();
      });
      latencies.push(performance.now() - t0);
    }
  };
  const clients = [0, 1, 2, 3].map(client);
  await new Promise((r) => setTimeout(r, 1000));
  latencies.length = 0;
  loop.enable();
  let changes = 0;
  const routeRows = db.routes;
  const writer = setInterval(() => {
    const k = changes++ % routeRows.length;
    const old = routeRows[k];
    const row: Record<string, unknown> = { ...old, paths: [`/r${k}`, `/changed-${changes}`], updated_at: Date.now() };
    routeRows[k] = row;
    if (mode === 'patch') manager.applyChange({ entity: 'routes', op: 'update', id: String(row.id), row, old });
    else manager.invalidate();
  }, 1000 / perSecond);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(writer);
  loop.disable();
  running = false;
  await Promise.all(clients);
  await manager.pending();
  agent.destroy();
  await new Promise((r) => server.close(r));
  await manager.stop();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    mode,
    changes,
    requests: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    loopDelayP99Ms: round(loop.percentile(99) / 1e6),
  };
}

function runOne(label: string, services: number): Result {
  const source = document(services);
  const text = stringify(source, { lineWidth: 0 });
  const json = JSON.stringify(source);
  const j0 = performance.now();
  parseDocumentText(json);
  const jsonParseMs = Math.round(performance.now() - j0);
  global.gc?.();
  const t0 = performance.now();
  const doc = parseDocumentText(text);
  const t1 = performance.now();
  const parsed = parseDeclarative(doc);
  const t2 = performance.now();
  const registry = createPluginRegistry({ plugins: ['bundled'] } as never, null);
  // As SnapshotManager.load does: the parsed rows are handed over, not copied.
  buildSnapshot(parsed.rows, { plugins: registry, adoptRows: true });
  const t3 = performance.now();
  return {
    label,
    entities: services * 3,
    parseMs: Math.round(t1 - t0),
    jsonParseMs,
    validateMs: Math.round(t2 - t1),
    compileMs: Math.round(t3 - t2),
    totalMs: Math.round(t3 - t0),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

const SIZES: [string, number][] = [
  ['1,000 entities', 334],
  ['10,000 entities', 3334],
  ['10,000 routes (+services, plugins)', 10_000],
  ['50,000 entities', 16_667],
];

function inChild<T = Result>(label: string, services: number, flag = '--one'): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), flag, label, String(services)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${label}: child exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (err) {
        reject(err);
      }
    });
  });
}

export async function main(): Promise<void> {
  const rows: Result[] = [];
  for (const [label, services] of SIZES) rows.push(await inChild(label, services));
  process.stdout.write('| file | entities | YAML parse ms | (JSON parse ms) | validate ms | compile ms | total ms | peak RSS MB |\n|---|---|---|---|---|---|---|---|\n');
  for (const r of rows) {
    process.stdout.write(`| ${r.label} | ${r.entities} | ${r.parseMs} | (${r.jsonParseMs}) | ${r.validateMs} | ${r.compileMs} | ${r.totalMs} | ${r.peakRssMb} |\n`);
  }
  const target = rows.find((r) => r.label.startsWith('10,000 routes'))!;
  const ok = target.totalMs < 2000 && target.peakRssMb < 300;
  process.stdout.write(`\ntarget (10,000 routes: < 2000 ms, < 300 MB): ${ok ? 'met' : 'NOT met'} (${target.totalMs} ms, ${target.peakRssMb} MB)\n`);

  process.stdout.write('\nRebuilds: 20 route changes/s for 10 s on 10,000 routes, request latency on the same event loop\n');
  process.stdout.write('| follow a change by | changes applied | requests | p50 ms | p99 ms | max ms | event-loop delay p99 ms |\n|---|---|---|---|---|---|---|\n');
  for (const mode of ['reload', 'patch'] as const) {
    const r = await inChild<RebuildResult>(mode, 10_000, '--rebuild');
    process.stdout.write(`| ${mode} | ${r.changes} | ${r.requests} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.loopDelayP99Ms} |\n`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  process.stdout.write(`${JSON.stringify(runOne(args[1], Number(args[2])))}\n`);
} else if (args[0] === '--rebuild') {
  void runRebuild(args[1] as 'reload' | 'patch', Number(args[2])).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  });
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  void main();
}
