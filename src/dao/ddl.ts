/**
 * CREATE TABLE statements derived from entity definitions, so the tables always match the
 * schemas. Constraint names follow PostgreSQL's defaults (`<table>_<column>_key`, `_fkey`),
 * which is also what hand-written Kong-style plugin migrations get.
 */
import { lookupEntity, type Entity } from '../schema/index.js';
import { columnsOf, hasCacheKeyColumn, primaryKeyColumn, quoteIdent } from './columns.js';

/** PostgreSQL truncates identifiers to 63 bytes. */
function ident(name: string): string {
  return quoteIdent(name.slice(0, 63));
}

/** Statements for one entity; `created` lists tables that exist before it (for foreign keys). */
export function tableStatements(entity: Entity, created: ReadonlySet<string>): string[] {
  const table = entity.table;
  const pk = primaryKeyColumn(entity);
  const cols = columnsOf(entity);
  const lines = cols.map((c) => `${quoteIdent(c.name)} ${c.sqlType}${c === pk ? ' PRIMARY KEY' : ''}`);
  if (hasCacheKeyColumn(entity)) lines.push(`"cache_key" text`);
  for (const field of entity.uniqueFields) {
    const col = cols.find((c) => c.field === field);
    if (col && col !== pk) lines.push(`CONSTRAINT ${ident(`${table}_${col.name}_key`)} UNIQUE (${quoteIdent(col.name)})`);
  }
  if (hasCacheKeyColumn(entity)) lines.push(`CONSTRAINT ${ident(`${table}_cache_key_key`)} UNIQUE ("cache_key")`);
  const indexes: string[] = [];
  for (const fk of entity.foreignKeys) {
    const parent = lookupEntity(fk.reference);
    const col = cols.find((c) => c.field === fk.field)!;
    indexes.push(`CREATE INDEX IF NOT EXISTS ${ident(`${table}_${col.name}_idx`)} ON ${quoteIdent(table)} (${quoteIdent(col.name)})`);
    // A parent that is not registered (or has no table yet) leaves a plain uuid column.
    if (!parent || !created.has(parent.table)) continue;
    const parentPk = primaryKeyColumn(parent);
    const action = fk.onDelete === 'cascade' ? 'CASCADE' : 'RESTRICT';
    lines.push(
      `CONSTRAINT ${ident(`${table}_${col.name}_fkey`)} FOREIGN KEY (${quoteIdent(col.name)}) ` +
        `REFERENCES ${quoteIdent(parent.table)} (${quoteIdent(parentPk.name)}) ON DELETE ${action}`,
    );
  }
  if (cols.some((c) => c.kind === 'ttl')) {
    indexes.push(`CREATE INDEX IF NOT EXISTS ${ident(`${table}_ttl_idx`)} ON ${quoteIdent(table)} ("ttl")`);
  }
  if (cols.some((c) => c.field === 'tags')) {
    indexes.push(`CREATE INDEX IF NOT EXISTS ${ident(`${table}_tags_idx`)} ON ${quoteIdent(table)} USING GIN ("tags")`);
  }
  return [`CREATE TABLE IF NOT EXISTS ${quoteIdent(table)} (\n  ${lines.join(',\n  ')}\n)`, ...indexes];
}

/** Referenced entities first, so every foreign key can point at an existing table. */
export function dependencyOrder(entities: readonly Entity[]): Entity[] {
  const byName = new Map(entities.map((e) => [e.name, e]));
  const out: Entity[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (e: Entity) => {
    if (state.get(e.name)) return;
    state.set(e.name, 'visiting');
    for (const fk of e.foreignKeys) {
      const parent = byName.get(fk.reference);
      if (parent && parent !== e && !state.get(parent.name)) visit(parent);
    }
    state.set(e.name, 'done');
    out.push(e);
  };
  entities.forEach(visit);
  return out;
}

/** DDL for a set of entities; `existingTables` are tables created by earlier migrations. */
export function entityTablesDdl(entities: readonly Entity[], existingTables: Iterable<string> = []): string[] {
  const created = new Set(existingTables);
  const statements: string[] = [];
  for (const entity of dependencyOrder(entities)) {
    created.add(entity.table);
    statements.push(...tableStatements(entity, created));
  }
  return statements;
}
