import { createHash } from 'node:crypto';
import type { EntityRows } from './types.js';

/** JSON with object keys sorted, so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
}

function byId(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const x = String(a.id ?? '');
  const y = String(b.id ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Kong's configuration_hash: 32 hex chars (md5) over the content, independent of row order. */
export function hashEntities(rows: EntityRows): string {
  // Kong reports 32 zeros for an empty configuration (DECLARATIVE_EMPTY_CONFIG_HASH).
  if (Object.values(rows).every((list) => list.length === 0)) return EMPTY_CONFIG_HASH;
  const hash = createHash('md5');
  for (const entity of Object.keys(rows).sort()) {
    const list = [...rows[entity]].sort(byId);
    if (list.length === 0) continue;
    hash.update(entity);
    hash.update('\0');
    for (const row of list) {
      hash.update(canonical(row));
      hash.update('\n');
    }
  }
  return hash.digest('hex');
}

/** Hash of one value (balancer reuse keys). */
export function hashValue(value: unknown): string {
  return createHash('md5').update(canonical(value)).digest('hex');
}

/** The hash Kong reports before any configuration was loaded. */
export const EMPTY_CONFIG_HASH = '00000000000000000000000000000000';
