import type { Row } from '../plugins/types.js';
import type { EntityRows } from './types.js';

/** Rows this module copied and deep-froze: safe to share between snapshots without copying again. */
const snapshotRows = new WeakSet<object>();

function frozenCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = frozenCopy(value[i]);
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value);
  // Rows are JSON from the datastore or a parsed file; anything else (a Date from a driver) keeps its type.
  if (proto !== Object.prototype && proto !== null) return deepFreeze(structuredClone(value));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = frozenCopy((value as Record<string, unknown>)[key]);
  return Object.freeze(out);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** A deep-frozen copy of one row (with `adopt`, the row itself frozen in place), or the row when it already is one. */
export function frozenRow(row: Row, adopt = false): Row {
  if (snapshotRows.has(row)) return row;
  const frozen = adopt ? deepFreeze(row) : (frozenCopy(row) as Row);
  snapshotRows.add(frozen);
  return frozen;
}

/** Deep equality of two JSON values, key order aside. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!(k in b) || !sameJson((a as Row)[k], (b as Row)[k])) return false;
  return true;
}

/**
 * A frozen list of frozen rows; the caller's objects are never frozen or kept. A row equal to
 * the previous snapshot's row with the same key is that row, and a list with the same rows as
 * before is the previous list: a full reload (datastore resync, rows shipped to a worker) then
 * reuses what was compiled from unchanged entities as an incremental rebuild does.
 */
function frozenList(list: readonly Row[], previous: readonly Row[] | undefined, pk: string, adopt: boolean): readonly Row[] {
  if (snapshotRows.has(list)) return list;
  let prevByKey: Map<unknown, Row> | null = null;
  const reused = new Set<Row>();
  const out = new Array<Row>(list.length);
  for (let i = 0; i < list.length; i++) {
    const row = list[i];
    if (snapshotRows.has(row)) {
      out[i] = row;
      continue;
    }
    if (previous && previous.length > 0 && row[pk] !== undefined) {
      prevByKey ??= new Map(previous.map((r) => [r[pk], r]));
      const prev = prevByKey.get(row[pk]);
      if (prev && !reused.has(prev) && sameJson(prev, row)) {
        reused.add(prev);
        out[i] = prev;
        continue;
      }
    }
    out[i] = frozenRow(row, adopt);
  }
  if (previous && reused.size === list.length && previous.length === list.length) return previous;
  Object.freeze(out);
  snapshotRows.add(out);
  return out;
}

export interface FreezeOptions {
  /** The rows of the snapshot being replaced. */
  previous?: EntityRows;
  primaryKey?: (entity: string) => string;
  /** The caller hands the rows over (a fresh datastore read, a parsed file): freeze them in place instead of copying. */
  adopt?: boolean;
}

/**
 * The snapshot's own immutable copy of its input. Lists and rows that come from an earlier
 * snapshot (an incremental rebuild patches only what changed) are shared, not copied, so their
 * compiled parts and digests can be reused by identity.
 */
export function freezeRows(input: EntityRows, opts: FreezeOptions = {}): EntityRows {
  const out: Record<string, readonly Row[]> = {};
  for (const entity of Object.keys(input)) {
    out[entity] = frozenList(input[entity], opts.previous?.[entity], opts.primaryKey?.(entity) ?? 'id', opts.adopt ?? false);
  }
  return Object.freeze(out);
}
