import type { Queryable } from '../datastore/index.js';
import { columnsOf, fromColumn, quoteIdent, selectExpr } from '../dao/columns.js';
import { listEntities, type Entity } from '../schema/index.js';
import type { Row } from '../plugins/types.js';
import type { EntityRows } from './types.js';

async function loadEntity(db: Queryable, entity: Entity): Promise<Row[]> {
  const cols = columnsOf(entity);
  const sql = `SELECT ${cols.map(selectExpr).join(', ')} FROM ${quoteIdent(entity.table)}`;
  const res = await db.query<Record<string, unknown>>(sql);
  return res.rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const col of cols) row[col.field] = fromColumn(col, raw[col.field]);
    return row;
  });
}

/**
 * Reads every registered entity (core and plugin-owned) in one repeatable-read view, so the
 * snapshot never mixes a route with a service deleted between two SELECTs.
 */
export async function loadEntitiesFromDatastore(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }): Promise<EntityRows> {
  const entities = listEntities();
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY').catch(() => undefined);
    // A plugin entity whose migration has not run yet has no table: leave it out rather than fail.
    const present = new Set(
      (await tx.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()')).rows.map((r) => r.tablename),
    );
    const out: Record<string, Row[]> = {};
    for (const entity of entities) {
      if (present.has(entity.table)) out[entity.name] = await loadEntity(tx, entity);
    }
    return out;
  });
}

/**
 * One row by primary key, in exactly the shape `loadEntitiesFromDatastore` gives (for patching a
 * snapshot from another node's change); null when it is gone or the entity has no single key.
 */
export async function loadEntityRow(db: Queryable, entityName: string, id: string): Promise<Row | null> {
  const entity = listEntities().find((e) => e.name === entityName);
  if (!entity || entity.primaryKey.length !== 1) throw new Error(`cannot read ${entityName} rows by id`);
  const cols = columnsOf(entity);
  const pk = cols.find((c) => c.field === entity.primaryKey[0]);
  if (!pk) throw new Error(`no primary key column for ${entityName}`);
  const res = await db.query<Record<string, unknown>>(
    `SELECT ${cols.map(selectExpr).join(', ')} FROM ${quoteIdent(entity.table)} WHERE ${quoteIdent(pk.name)} = $1`,
    [id],
  );
  const raw = res.rows[0];
  if (!raw) return null;
  const row: Record<string, unknown> = {};
  for (const col of cols) row[col.field] = fromColumn(col, raw[col.field]);
  return row;
}
