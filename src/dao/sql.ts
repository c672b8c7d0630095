/**
 * The SQL of the DAO, generic over any entity: one statement builder per operation, all with
 * `$n` parameters so PostgreSQL and the embedded store run them unchanged.
 */
import type { Queryable } from '../datastore/index.js';
import type { Entity } from '../schema/index.js';
import { columnsOf, fromColumn, hasCacheKeyColumn, primaryKeyColumn, quoteIdent, secondsLeft, selectExpr, toParam, writeExpr, type Column } from './columns.js';

export type Json = Record<string, unknown>;

/** An entity addressed by primary key or by a unique field (endpoint key). */
export type IdKey = { readonly id: string };
/** `within`: only among the children of one parent (targets are unique per upstream only). */
export type FieldKey = { readonly field: string; readonly value: unknown; readonly within?: ForeignFilter };
export type EntityKey = IdKey | FieldKey;

export interface ForeignFilter {
  /** Foreign field of the listed entity (`service`). */
  readonly field: string;
  readonly id: string;
}

export interface RowQuery {
  readonly size: number;
  /** Primary key of the last row of the previous page. */
  readonly after?: string;
  readonly tags?: readonly string[];
  readonly tagsMode?: 'and' | 'or';
  readonly foreign?: ForeignFilter;
}

export function isIdKey(key: EntityKey): key is IdKey {
  return 'id' in key;
}

function selectList(entity: Entity): string {
  return columnsOf(entity).map(selectExpr).join(', ');
}

/** A stored row as the Admin API shows it (a `ttl` expiry becomes the seconds left). */
export function rowToEntity(entity: Entity, row: Json): Json {
  const out: Json = {};
  for (const col of columnsOf(entity)) {
    const value = fromColumn(col, row[col.field]);
    out[col.field] = col.kind === 'ttl' ? secondsLeft(value) : value;
  }
  return out;
}

/**
 * Kong hides rows whose ttl has passed (they stay stored until cleaned up). The clock is
 * this process's, the same one the key-auth handler compares a snapshot row's expiry with.
 */
function liveClause(entity: Entity, params: unknown[], alias = ''): string | undefined {
  if (!entity.ttl) return undefined;
  params.push(new Date().toISOString());
  return `(${alias}"ttl" IS NULL OR ${alias}"ttl" > $${params.length}::timestamptz)`;
}

function columnOf(entity: Entity, field: string): Column {
  const col = columnsOf(entity).find((c) => c.field === field);
  if (!col) throw new Error(`${entity.name} has no stored field '${field}'`);
  return col;
}

/** PostgreSQL rejects values its types cannot hold (bad uuid text, NUL bytes): such keys find nothing. */
function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('22');
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether PostgreSQL can take the value for the column at all. Checked before querying:
 * inside a transaction a failed statement would abort the whole transaction.
 */
function storableKey(col: Column, value: unknown): boolean {
  if (typeof value === 'string' && value.includes('\u0000')) return false;
  if (col.sqlType === 'uuid') return typeof value === 'string' && UUID_TEXT.test(value);
  if (col.kind === 'bigint') return typeof value === 'number' && Number.isSafeInteger(value);
  return true;
}

export async function selectRow(q: Queryable, entity: Entity, key: EntityKey, forUpdate = false): Promise<Json | null> {
  const col = isIdKey(key) ? primaryKeyColumn(entity) : columnOf(entity, key.field);
  const value = isIdKey(key) ? key.id : toParam(col, key.value);
  if (!storableKey(col, value)) return null;
  if (!isIdKey(key) && key.within && !UUID_TEXT.test(key.within.id)) return null;
  const params: unknown[] = [value];
  let where = `${quoteIdent(col.name)} = ${writeExpr(col, '$1')}`;
  if (!isIdKey(key) && key.within) {
    params.push(key.within.id);
    where += ` AND ${quoteIdent(columnOf(entity, key.within.field).name)} = $2`;
  }
  const live = liveClause(entity, params);
  if (live) where += ` AND ${live}`;
  const sql = `SELECT ${selectList(entity)} FROM ${quoteIdent(entity.table)} WHERE ${where}${forUpdate ? ' FOR UPDATE' : ''}`;
  try {
    const r = await q.query<Json>(sql, params);
    return r.rows[0] ? rowToEntity(entity, r.rows[0]) : null;
  } catch (err) {
    if (isDataException(err)) return null;
    throw err;
  }
}

function whereClauses(entity: Entity, query: Omit<RowQuery, 'size'>, params: unknown[]): string[] {
  const where: string[] = [];
  if (query.foreign) {
    params.push(query.foreign.id);
    where.push(`${quoteIdent(columnOf(entity, query.foreign.field).name)} = $${params.length}`);
  }
  if (query.tags && query.tags.length > 0) {
    params.push([...query.tags]);
    where.push(`"tags" ${query.tagsMode === 'or' ? '&&' : '@>'} $${params.length}::text[]`);
  }
  if (query.after !== undefined) {
    params.push(query.after);
    where.push(`${quoteIdent(primaryKeyColumn(entity).name)} > $${params.length}`);
  }
  const live = liveClause(entity, params);
  if (live) where.push(live);
  return where;
}

/** One page ordered by primary key; `more` says whether rows follow it. */
export async function pageRows(q: Queryable, entity: Entity, query: RowQuery): Promise<{ rows: Json[]; more: boolean }> {
  const params: unknown[] = [];
  const where = whereClauses(entity, query, params);
  params.push(query.size + 1);
  const pk = quoteIdent(primaryKeyColumn(entity).name);
  const sql = `SELECT ${selectList(entity)} FROM ${quoteIdent(entity.table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${pk} LIMIT $${params.length}`;
  const r = await q.query<Json>(sql, params);
  const more = r.rows.length > query.size;
  return { rows: r.rows.slice(0, query.size).map((row) => rowToEntity(entity, row)), more };
}

export async function countRows(q: Queryable, entity: Entity, foreign?: ForeignFilter): Promise<number> {
  const params: unknown[] = [];
  const where = whereClauses(entity, { foreign }, params);
  const r = await q.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM ${quoteIdent(entity.table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  return Number(r.rows[0].n);
}

/** Every row pointing at a parent through `field` (cascaded deletes, for their events). */
export async function rowsReferencing(q: Queryable, entity: Entity, field: string, id: string): Promise<Json[]> {
  const col = columnOf(entity, field);
  const r = await q.query<Json>(`SELECT ${selectList(entity)} FROM ${quoteIdent(entity.table)} WHERE ${quoteIdent(col.name)} = $1`, [id]);
  return r.rows.map((row) => rowToEntity(entity, row));
}

/** Kong's cache key: `<entity>:<v1>:<v2>:...`, foreign values by id, padded to five parts. */
export function cacheKeyOf(entity: Entity, data: Json): string {
  const parts = (entity.cacheKey ?? []).map((f) => {
    const v = data[f];
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return String((v as Json).id ?? '');
    return String(v);
  });
  while (parts.length < 5) parts.push('');
  return `${entity.name}:${parts.join(':')}`;
}

/** `skip`: a column not written (the primary key of an update, a `ttl` an update leaves alone). */
function writeColumns(entity: Entity, data: Json, skip: (col: Column) => boolean = () => false): { names: string[]; exprs: string[]; params: unknown[] } {
  const names: string[] = [];
  const exprs: string[] = [];
  const params: unknown[] = [];
  for (const col of columnsOf(entity)) {
    if (skip(col)) continue;
    params.push(toParam(col, data[col.field]));
    names.push(quoteIdent(col.name));
    exprs.push(writeExpr(col, `$${params.length}`));
  }
  if (hasCacheKeyColumn(entity)) {
    params.push(cacheKeyOf(entity, data));
    names.push('"cache_key"');
    exprs.push(`$${params.length}`);
  }
  return { names, exprs, params };
}

export async function insertRow(q: Queryable, entity: Entity, data: Json): Promise<Json> {
  const { names, exprs, params } = writeColumns(entity, data);
  const r = await q.query<Json>(
    `INSERT INTO ${quoteIdent(entity.table)} (${names.join(', ')}) VALUES (${exprs.join(', ')}) RETURNING ${selectList(entity)}`,
    params,
  );
  return rowToEntity(entity, r.rows[0]);
}

/** Insert, or replace every column of the row with the same primary key. */
export async function upsertRow(q: Queryable, entity: Entity, data: Json): Promise<Json> {
  const { names, exprs, params } = writeColumns(entity, data);
  const pk = quoteIdent(primaryKeyColumn(entity).name);
  const sets = names.filter((n) => n !== pk).map((n) => `${n} = EXCLUDED.${n}`);
  const r = await q.query<Json>(
    `INSERT INTO ${quoteIdent(entity.table)} (${names.join(', ')}) VALUES (${exprs.join(', ')}) ` +
      `ON CONFLICT (${pk}) DO UPDATE SET ${sets.join(', ')} RETURNING ${selectList(entity)}`,
    params,
  );
  return rowToEntity(entity, r.rows[0]);
}

/** `ttl` left undefined in `data` keeps the stored expiry (a PATCH that does not mention it). */
export async function updateRow(q: Queryable, entity: Entity, id: string, data: Json): Promise<Json | null> {
  const pkCol = primaryKeyColumn(entity);
  const { names, exprs, params } = writeColumns(entity, data, (col) => col === pkCol || (col.kind === 'ttl' && data[col.field] === undefined));
  const pk = quoteIdent(pkCol.name);
  params.push(id);
  const sets = names.map((n, i) => `${n} = ${exprs[i]}`);
  const r = await q.query<Json>(
    `UPDATE ${quoteIdent(entity.table)} SET ${sets.join(', ')} WHERE ${pk} = $${params.length} RETURNING ${selectList(entity)}`,
    params,
  );
  return r.rows[0] ? rowToEntity(entity, r.rows[0]) : null;
}

export async function deleteRow(q: Queryable, entity: Entity, id: string): Promise<boolean> {
  const r = await q.query(`DELETE FROM ${quoteIdent(entity.table)} WHERE ${quoteIdent(primaryKeyColumn(entity).name)} = $1`, [id]);
  return r.rowCount > 0;
}

export interface TagRow {
  entity_name: string;
  entity_id: string;
  tag: string;
}

/** `/tags`: every (entity, id, tag) of the given entities' tables, ordered by tag then entity. */
export async function pageTagRows(
  q: Queryable,
  entities: readonly Entity[],
  query: { size: number; after?: readonly [string, string, string]; tag?: string },
): Promise<{ rows: TagRow[]; more: boolean }> {
  if (entities.length === 0) return { rows: [], more: false };
  const params: unknown[] = [];
  const parts = entities.map((e) => {
    params.push(e.name);
    const select = `SELECT $${params.length}::text AS entity_name, ${quoteIdent(primaryKeyColumn(e).name)}::text AS entity_id, unnest("tags") AS tag FROM ${quoteIdent(e.table)}`;
    const live = liveClause(e, params);
    return live ? `${select} WHERE ${live}` : select;
  });
  const where: string[] = [];
  if (query.tag !== undefined) {
    params.push(query.tag);
    where.push(`tag = $${params.length}`);
  }
  if (query.after) {
    params.push(...query.after);
    where.push(`(tag, entity_name, entity_id) > ($${params.length - 2}, $${params.length - 1}, $${params.length})`);
  }
  params.push(query.size + 1);
  const sql = `SELECT entity_name, entity_id, tag FROM (${parts.join(' UNION ALL ')}) AS t` +
    `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY tag, entity_name, entity_id LIMIT $${params.length}`;
  const r = await q.query<TagRow>(sql, params);
  return { rows: r.rows.slice(0, query.size), more: r.rows.length > query.size };
}

/** Which of the given tables exist (plugin tables appear only once their migrations ran). */
export async function existingTables(q: Queryable, tables: readonly string[]): Promise<Set<string>> {
  const r = await q.query<{ t: string }>('SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])', [[...tables]]);
  return new Set(r.rows.map((row) => row.t));
}

/** Removes rows whose ttl has passed (Kong's cleanup); returns them, for their delete events. */
export async function deleteExpiredRows(q: Queryable, entity: Entity): Promise<Json[]> {
  if (!entity.ttl) return [];
  const r = await q.query<Json>(
    `DELETE FROM ${quoteIdent(entity.table)} WHERE "ttl" <= $1::timestamptz RETURNING ${selectList(entity)}`,
    [new Date().toISOString()],
  );
  return r.rows.map((row) => rowToEntity(entity, row));
}
