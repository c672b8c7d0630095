/**
 * `config db_import` and `config db_export` against PostgreSQL or the embedded store:
 * the import writes every row in one transaction (all or nothing), the export reads one
 * repeatable-read view.
 */
import { ErrorCode, GatewayError, errorMessage } from '../errors.js';
import type { Datastore } from '../datastore/index.js';
import { dependencyOrder } from '../dao/index.js';
import { existingTables } from '../dao/sql.js';
import { upsertRow } from '../dao/sql.js';
import { assertStorable } from '../dao/guards.js';
import { listEntities } from '../schema/index.js';
import { loadEntitiesFromDatastore } from '../snapshot/load-datastore.js';
import { rowsToYaml } from './export.js';
import type { DeclarativeRows } from './parse.js';

export interface ImportSummary {
  /** Rows written per entity (only entities with rows). */
  readonly counts: Record<string, number>;
}

/**
 * Upserts every row by primary key, parents before children, in one transaction. A row that
 * clashes with a stored one on another unique field (same name, different id) fails the whole import.
 */
export async function importRows(db: Datastore, rows: DeclarativeRows): Promise<ImportSummary> {
  const entities = dependencyOrder(listEntities()).filter((e) => (rows[e.name]?.length ?? 0) > 0);
  const present = await existingTables(db, entities.map((e) => e.table));
  const missing = entities.filter((e) => !present.has(e.table));
  if (missing.length > 0) {
    throw new GatewayError(ErrorCode.DATABASE_ERROR, `the database has no table for ${missing.map((e) => `'${e.name}'`).join(', ')}`, {
      hint: "run 'silverback migrations up' (with the plugins that own these entities enabled) before importing",
    });
  }
  const counts: Record<string, number> = {};
  await db.transaction(async (tx) => {
    for (const entity of entities) {
      for (const row of rows[entity.name]) {
        assertStorable(entity, row);
        try {
          await upsertRow(tx, entity, row);
        } catch (err) {
          throw new GatewayError(ErrorCode.DATABASE_ERROR, `could not import ${entity.name} '${String(row[entity.endpointKey ?? 'id'] ?? row.id)}': ${errorMessage(err)}`, {
            cause: err,
            hint: 'nothing was imported; fix the conflicting entry (or remove the stored entity) and import again',
          });
        }
      }
      counts[entity.name] = rows[entity.name].length;
    }
  });
  return { counts };
}

/** The whole database as a 3.0 YAML document (byte-stable for the same content). */
export async function exportDatabase(db: Datastore): Promise<string> {
  return rowsToYaml(await loadEntitiesFromDatastore(db));
}
