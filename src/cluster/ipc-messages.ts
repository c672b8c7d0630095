/** Messages between the primary process and its proxy workers (node:cluster IPC, advanced serialisation). */
import type { Config } from '../config/index.js';
import type { EntityRows } from '../snapshot/types.js';
import type { CountScope, CounterSpec } from '../plugins/rate-limiting/policies/policy.js';

export interface ShippedSnapshot {
  version: string;
  rows: EntityRows;
}

export type PrimaryToWorker =
  | { type: 'sb:init'; config: Config; snapshot: ShippedSnapshot | null }
  | { type: 'sb:snapshot'; snapshot: ShippedSnapshot }
  | { type: 'sb:drain'; timeoutMs: number }
  | { type: 'sb:rl-result'; id: number; counts?: [string, number][]; error?: string }
  /** A question for every worker (metrics, cache purges): see worker-queries.ts. */
  | { type: 'sb:ask'; id: number; topic: string; payload: unknown };

export type WorkerToPrimary =
  | { type: 'sb:hello' }
  | { type: 'sb:ready'; version: string | null }
  | { type: 'sb:applied'; version: string }
  | { type: 'sb:failed'; error: string }
  | { type: 'sb:rl-incr'; id: number; scope: CountScope; counters: CounterSpec[] }
  | { type: 'sb:answer'; id: number; result?: unknown; error?: string };

/** Either end of the channel: `process` in a worker, a `cluster.Worker` or `ChildProcess` in the primary. */
export interface IpcEndpoint {
  send(message: unknown): boolean;
  on(event: 'message', cb: (message: unknown) => void): unknown;
  off(event: 'message', cb: (message: unknown) => void): unknown;
}

export function isMessage<T extends { type: string }>(m: unknown): m is T {
  return !!m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('sb:');
}
