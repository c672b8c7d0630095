/**
 * PostgreSQL errors of a write, turned into Kong's DAO errors. The database enforces
 * uniqueness and foreign keys; its SQLSTATE and `Key (col)=(...)` detail name the columns.
 */
import { ErrorCode, GatewayError, isGatewayError, errorMessage } from '../errors.js';
import { listEntities, type Entity } from '../schema/index.js';
import { columnsOf, hasCacheKeyColumn, primaryKeyColumn } from './columns.js';
import { kongErrors } from './kong-errors.js';

interface PgError {
  code?: string;
  detail?: string;
  table?: string;
  constraint?: string;
}

function detailColumns(detail: string | undefined): string[] | undefined {
  const m = /^Key \(([^)]*)\)=/.exec(detail ?? '');
  return m ? m[1].split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : undefined;
}

function entityByTable(table: string | undefined): Entity | undefined {
  return listEntities().find((e) => e.table === table);
}

function keyValue(entity: Entity, field: string, row: Record<string, unknown>): unknown {
  const v = row[field];
  if (v === undefined) return null;
  return v;
}

function uniqueError(entity: Entity, pg: PgError, row: Record<string, unknown>): GatewayError {
  const cols = columnsOf(entity);
  const pk = primaryKeyColumn(entity);
  const names = detailColumns(pg.detail) ?? (pg.constraint === `${entity.table}_pkey` ? [pk.name] : []);
  if (names.length === 1 && names[0] === pk.name) return kongErrors.primaryKeyViolation({ [pk.field]: row[pk.field] });
  if (names.includes('cache_key') && hasCacheKeyColumn(entity)) {
    return kongErrors.uniqueViolation(Object.fromEntries(entity.cacheKey!.map((f) => [f, keyValue(entity, f, row)])));
  }
  const fields = names.map((n) => cols.find((c) => c.name === n)?.field ?? n);
  if (fields.length === 0) fields.push(...entity.uniqueFields.filter((f) => pg.constraint?.includes(f)));
  return kongErrors.uniqueViolation(Object.fromEntries(fields.map((f) => [f, keyValue(entity, f, row)])));
}

function foreignKeyError(entity: Entity, pg: PgError, row: Record<string, unknown>): GatewayError {
  if (pg.table === entity.table) {
    // The written row points at a parent that does not exist.
    const names = detailColumns(pg.detail) ?? [];
    const fk = entity.foreignKeys.find((f) => names.includes(`${f.field}_id`)) ??
      entity.foreignKeys.find((f) => pg.constraint?.includes(`${f.field}_id`));
    if (fk) {
      const value = row[fk.field] as Record<string, unknown> | null;
      return kongErrors.foreignKeyInvalidReference(fk.field, { id: value?.id ?? null }, fk.reference);
    }
  }
  const child = entityByTable(pg.table);
  return kongErrors.foreignKeyRestricted(entity.name, child?.name ?? pg.table ?? 'unknown');
}

/** `row`: the entity being written (for the values Kong echoes in `fields`). */
export function translateDbError(err: unknown, entity: Entity, row: Record<string, unknown> = {}): GatewayError {
  if (isGatewayError(err)) return err;
  const pg = (err ?? {}) as PgError;
  switch (pg.code) {
    case '23505':
      return uniqueError(entity, pg, row);
    case '23503':
    case '23001':
      return foreignKeyError(entity, pg, row);
    default:
      break;
  }
  if (typeof pg.code === 'string' && pg.code.startsWith('22')) {
    // Data exceptions (a value the column type cannot hold) are the caller's input, not a crash.
    const text = `invalid value: ${errorMessage(err)}`;
    return new GatewayError(ErrorCode.SCHEMA_VIOLATION, `schema violation (${text})`, { fields: { '@entity': [text] } });
  }
  return kongErrors.databaseError(errorMessage(err), err);
}
