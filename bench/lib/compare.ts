import { runWrk, type WrkOptions, type WrkResult } from './wrk.js';

export interface Contender {
  name: string;
  url: string;
  wrk?: Omit<WrkOptions, 'seconds' | 'connections'>;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Measures every contender in turn, `rounds` times over (A B C A B C …), and keeps each one's
 * median round. On a shared, noisy machine a burst of foreign load then hits one round of
 * every contender rather than all rounds of one, so same-run ratios stay meaningful.
 */
export function measureInterleaved(contenders: Contender[], opts: { seconds: number; connections: number; rounds: number }): Record<string, WrkResult> {
  const runs = new Map<string, WrkResult[]>(contenders.map((c) => [c.name, []]));
  for (const c of contenders) runWrk(c.url, { ...c.wrk, seconds: 1, connections: opts.connections }); // warm-up (JIT, pools)
  for (let round = 0; round < opts.rounds; round++) {
    for (const c of contenders) runs.get(c.name)!.push(runWrk(c.url, { ...c.wrk, seconds: opts.seconds, connections: opts.connections }));
  }
  const out: Record<string, WrkResult> = {};
  for (const [name, list] of runs) {
    out[name] = {
      rps: median(list.map((r) => r.rps)),
      p50ms: median(list.map((r) => r.p50ms)),
      p99ms: median(list.map((r) => r.p99ms)),
      errors: list.reduce((a, r) => a + r.errors, 0),
    };
  }
  return out;
}

/** `a / b` as `0.93×`. */
export function ratio(a: WrkResult, b: WrkResult | undefined): string {
  return b ? `${(a.rps / b.rps).toFixed(2)}×` : 'n/a';
}
