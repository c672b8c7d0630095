import { execFileSync, spawnSync } from 'node:child_process';

export interface WrkResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
}

/** Installs wrk from Debian's packages when missing. */
export function ensureWrk(): void {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status === 0) return;
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk'], { stdio: 'inherit' });
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

export interface WrkOptions {
  seconds?: number;
  connections?: number;
  threads?: number;
  headers?: string[];
  /** A wrk Lua script (e.g. rotating API keys). */
  script?: string;
}

export function runWrk(url: string, opts: WrkOptions = {}): WrkResult {
  const args = ['-t', String(opts.threads ?? 1), '-c', String(opts.connections ?? 50), '-d', `${opts.seconds ?? 5}s`, '--latency'];
  for (const h of opts.headers ?? []) args.push('-H', h);
  if (opts.script) args.push('-s', opts.script);
  args.push(url);
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p50ms: p50, p99ms: p99, errors };
}

export function formatTable(rows: { name: string; r: WrkResult; ratio?: string }[]): string {
  const lines = ['| scenario | req/s | p50 ms | p99 ms | errors | ratio |', '|---|---:|---:|---:|---:|---|'];
  for (const { name, r, ratio } of rows) {
    lines.push(`| ${name} | ${r.rps.toFixed(0)} | ${r.p50ms.toFixed(2)} | ${r.p99ms.toFixed(2)} | ${r.errors} | ${ratio ?? ''} |`);
  }
  return lines.join('\n');
}
