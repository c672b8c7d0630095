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
