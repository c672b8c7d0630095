/**
 * Declarative load cost: time and peak memory to parse (YAML), validate and compile
 * (snapshot build: router, plugin index, balancers) files of growing size. Each size runs in
 * its own process so peak RSS belongs to that size alone.
 * Target: 10,000 routes with their services and plugins in < 2 s and < 300 MB (total = YAML
 * parse + validate + compile; the JSON column is for comparison and not in the total).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import '../src/gateway/modules.js';
import '../src/plugins/bundled-auth.js';
import '../src/plugins/bundled-extra.js';
import { parseDeclarative, parseDocumentText } from '../src/declarative/index.js';
import { buildSnapshot } from '../src/snapshot/build.js';
import { createPluginRegistry } from '../src/plugins/registry.js';

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
  buildSnapshot(parsed.rows, { plugins: registry });
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

function inChild(label: string, services: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', label, String(services)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${label}: child exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as Result);
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
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  process.stdout.write(`${JSON.stringify(runOne(args[1], Number(args[2])))}\n`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  void main();
}
