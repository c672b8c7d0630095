/**
 * Rows to a `_format_version: "3.0"` document, as Kong's export does: `_transform: false`
 * (values are already stored forms), entities flat in dependency order, foreign keys as
 * plain ids, every stored field present (null where unset). Rows are sorted by id and keys
 * follow the schema, so the same configuration always gives the same bytes.
 */
import { stringify } from 'yaml';
import { listEntities, type Entity } from '../schema/index.js';
import { dependencyOrder } from '../dao/index.js';
import type { DeclarativeRows, Row } from './parse.js';

export type ExportDocument = Record<string, unknown>;

function exportRow(entity: Entity, row: Row): Row {
  const out: Row = {};
  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.transient) continue;
    const value = row[name];
    if (field.type === 'foreign') {
      out[name] = value && typeof value === 'object' ? ((value as Row).id ?? null) : (value ?? null);
    } else {
      out[name] = value === undefined ? null : value;
    }
  }
  return out;
}

const byId = (a: Row, b: Row) => {
  const x = String(a.id ?? '');
  const y = String(b.id ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The document for `rows` (any subset of entities; unknown names are ignored). */
export function rowsToDocument(rows: Readonly<Record<string, readonly Row[]>>): ExportDocument {
  const doc: ExportDocument = { _format_version: '3.0', _transform: false };
  for (const entity of dependencyOrder(listEntities())) {
    if (!entity.dbExport) continue;
    const list = rows[entity.name];
    if (!list || list.length === 0) continue;
    doc[entity.name] = [...list].sort(byId).map((r) => exportRow(entity, r));
  }
  return doc;
}

/** YAML text of a document: no line folding, so long values (PEM, regexes) stay byte-exact. */
export function documentToYaml(doc: ExportDocument): string {
  return stringify(doc, { lineWidth: 0, minContentWidth: 0, nullStr: 'null', aliasDuplicateObjects: false, indentSeq: false });
}

export function rowsToYaml(rows: Readonly<Record<string, readonly Row[]>>): string {
  return documentToYaml(rowsToDocument(rows));
}

export type { DeclarativeRows };
