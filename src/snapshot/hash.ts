import { createHash } from 'node:crypto';
import type { EntityRows } from './types.js';

/** JSON with object keys sorted, so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonical(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonical(v)}`;
    first = false;
  }
  return `${out}}`;
}

/*
 * Snapshot rows are frozen and shared between successive snapshots, so a row's digest (and a
 * whole entity list's) is computed once and reused by every rebuild that keeps the object:
 * a change to one route re-hashes one row and re-combines the route digests, nothing else.
 */
const rowDigests = new WeakMap<object, string>();
const listDigests = new WeakMap<readonly unknown[], string>();

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function rowDigest(row: Record<string, unknown>): string {
  if (!Object.isFrozen(row)) return md5(canonical(row));
  let digest = rowDigests.get(row);
  if (digest === undefined) {
    digest = md5(canonical(row));
    rowDigests.set(row, digest);
  }
  return digest;
}

/** Order-independent digest of one entity's rows: the sorted row digests, hashed. */
function listDigest(list: readonly Record<string, unknown>[]): string {
  const cached = Object.isFrozen(list) ? listDigests.get(list) : undefined;
  if (cached !== undefined) return cached;
  const digests = list.map(rowDigest).sort();
  const hash = createHash('md5');
  for (const d of digests) hash.update(d);
  const digest = hash.digest('hex');
  if (Object.isFrozen(list)) listDigests.set(list, digest);
  return digest;
}

/** Kong's configuration_hash: 32 hex chars (md5) over the content, independent of row and key order. */
export function hashEntities(rows: EntityRows): string {
  // Kong reports 32 zeros for an empty configuration (DECLARATIVE_EMPTY_CONFIG_HASH).
  if (Object.values(rows).every((list) => list.length === 0)) return EMPTY_CONFIG_HASH;
  const hash = createHash('md5');
  for (const entity of Object.keys(rows).sort()) {
    const list = rows[entity];
    if (list.length === 0) continue;
    hash.update(`${entity}\0${list.length}\0${listDigest(list)}\n`);
  }
  return hash.digest('hex');
}

/** Hash of one value (balancer reuse keys). */
export function hashValue(value: unknown): string {
  return md5(canonical(value));
}

/** The hash Kong reports before any configuration was loaded. */
export const EMPTY_CONFIG_HASH = '00000000000000000000000000000000';
