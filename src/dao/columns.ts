/**
 * How an entity's fields are stored: one column per non-transient field, named and typed the
 * way Kong's PostgreSQL tables are (foreign `service` → `service_id uuid`, auto timestamps as
 * `timestamp with time zone`, string arrays as `text[]`, structured values as `jsonb`), so a
 * table written by hand from Kong's migrations (as plugins do) fits the same DAO.
 */
import type { Entity, FieldDef } from '../schema/index.js';

export type ColumnKind = 'plain' | 'bigint' | 'json' | 'timestamp_s' | 'timestamp_ms' | 'foreign' | 'ttl';

export interface Column {
  /** Entity field name (`service`). */
  readonly field: string;
  /** Storage column (`service_id`). */
  readonly name: string;
  readonly sqlType: string;
  readonly kind: ColumnKind;
  /** Referenced entity for foreign columns. */
  readonly reference?: string;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function columnFor(field: string, def: FieldDef): Column {
  if (def.type === 'foreign') return { field, name: `${field}_id`, sqlType: 'uuid', kind: 'foreign', reference: def.reference };
  if (def.timestamp && def.auto) {
    return def.type === 'number'
      ? { field, name: field, sqlType: 'timestamp(3) with time zone', kind: 'timestamp_ms' }
      : { field, name: field, sqlType: 'timestamp(0) with time zone', kind: 'timestamp_s' };
  }
  switch (def.type) {
    case 'string':
      return { field, name: field, sqlType: def.uuid ? 'uuid' : 'text', kind: 'plain' };
    case 'integer':
      return { field, name: field, sqlType: 'bigint', kind: 'bigint' };
    case 'number':
      return { field, name: field, sqlType: 'double precision', kind: 'plain' };
    case 'boolean':
      return { field, name: field, sqlType: 'boolean', kind: 'plain' };
    case 'array':
    case 'set':
      if (def.elements?.type === 'string') return { field, name: field, sqlType: def.elements.uuid ? 'uuid[]' : 'text[]', kind: 'plain' };
      return { field, name: field, sqlType: 'jsonb', kind: 'json' };
    default:
      return { field, name: field, sqlType: 'jsonb', kind: 'json' };
  }
}

const cache = new WeakMap<Entity, Column[]>();

/**
 * Kong's `ttl` column of entities with `ttl = true` (keyauth_credentials): the expiry time.
 * Written and read as an ISO timestamp, which is what a snapshot row carries (so a credential
 * stops working on time without a rebuild); the Admin API shows the seconds left instead.
 */
export const TTL_COLUMN: Column = { field: 'ttl', name: 'ttl', sqlType: 'timestamp(3) with time zone', kind: 'ttl' };

/** The stored columns of an entity, in field order (transient fields are not stored), then `ttl`. */
export function columnsOf(entity: Entity): Column[] {
  let cols = cache.get(entity);
  if (!cols) {
    cols = Object.entries(entity.fields)
      .filter(([, def]) => !def.transient)
      .map(([name, def]) => columnFor(name, def));
    if (entity.ttl && !cols.some((c) => c.name === TTL_COLUMN.name)) cols.push(TTL_COLUMN);
    cache.set(entity, cols);
  }
  return cols;
}

/** Seconds until an ISO expiry, rounded down as Kong's FLOOR(ttl - now); null without one. */
export function secondsLeft(expiry: unknown, nowMs = Date.now()): number | null {
  if (typeof expiry !== 'string') return null;
  const at = Date.parse(expiry);
  return Number.isNaN(at) ? null : Math.floor((at - nowMs) / 1000);
}

/** Kong keeps a `cache_key` column only for composite cache keys (plugins, targets). */
export function hasCacheKeyColumn(entity: Entity): boolean {
  return (entity.cacheKey?.length ?? 0) > 1;
}

export function primaryKeyColumn(entity: Entity): Column {
  const pk = entity.primaryKey[0];
  const col = columnsOf(entity).find((c) => c.field === pk);
  if (!col || entity.primaryKey.length !== 1) throw new Error(`${entity.name}: only single-column primary keys are supported`);
  return col;
}

/** SQL that reads a column back into the entity's JSON shape. */
export function selectExpr(col: Column): string {
  const q = quoteIdent(col.name);
  const as = quoteIdent(col.field);
  switch (col.kind) {
    case 'timestamp_s':
      return `floor(extract(epoch from ${q}))::bigint AS ${as}`;
    case 'timestamp_ms':
      return `round(extract(epoch from ${q}), 3)::float8 AS ${as}`;
    case 'foreign':
      return `${q}::text AS ${as}`;
    case 'ttl':
      return `to_char(${q} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${as}`;
    case 'plain':
      return col.sqlType === 'uuid' ? `${q}::text AS ${as}` : col.field === col.name ? q : `${q} AS ${as}`;
    default:
      return col.field === col.name ? q : `${q} AS ${as}`;
  }
}

/** The placeholder expression for writing a column. */
export function writeExpr(col: Column, placeholder: string): string {
  switch (col.kind) {
    case 'timestamp_s':
    case 'timestamp_ms':
      return `to_timestamp(${placeholder}::float8)`;
    case 'json':
      return `${placeholder}::jsonb`;
    case 'ttl':
      return `${placeholder}::timestamptz`;
    default:
      return placeholder;
  }
}

/** The parameter value for a column from an entity value. */
export function toParam(col: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (col.kind) {
    case 'json':
      return JSON.stringify(value);
    case 'foreign':
      return typeof value === 'object' ? ((value as Record<string, unknown>).id ?? null) : value;
    default:
      return value;
  }
}

/** The entity value from a selected column (node-postgres returns int8 and numeric as strings). */
export function fromColumn(col: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (col.kind) {
    case 'bigint':
    case 'timestamp_s':
    case 'timestamp_ms':
      return typeof value === 'string' ? Number(value) : value;
    case 'foreign':
      return { id: value };
    default:
      return value;
  }
}
