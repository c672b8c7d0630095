/**
 * Turning an entity definition into a registered Entity: defaults for table, primary key and
 * admin paths, records made required (as Kong's Entity.new does, so their defaults always
 * materialise), and the derived lists the DAO and Admin API read (foreign keys, uniques, ...).
 */
import type { Entity, EntityDef, FieldDef, FieldsDef, ForeignKey } from './types.js';

/** Records inside entities are required unless they say otherwise (Kong's make_records_required). */
export function makeRecordsRequired(fields: FieldsDef): FieldsDef {
  const out: Record<string, FieldDef> = {};
  for (const [name, field] of Object.entries(fields)) out[name] = requireRecord(field);
  return out;
}

function requireRecord(field: FieldDef): FieldDef {
  if (field.type !== 'record' || field.abstract) return field;
  return {
    ...field,
    required: field.required ?? true,
    fields: field.fields ? makeRecordsRequired(field.fields) : field.fields,
  };
}

export function defineEntity(def: EntityDef): Entity {
  const fields = makeRecordsRequired(def.fields);
  for (const [name, field] of Object.entries(fields)) {
    if (field.nilable) throw new Error(`${def.name}.${name}: entities cannot have nilable fields`);
    if (field.type === 'foreign' && !field.reference) throw new Error(`${def.name}.${name}: foreign field without reference`);
  }
  const foreignKeys: ForeignKey[] = Object.entries(fields)
    .filter(([, f]) => f.type === 'foreign')
    .map(([name, f]) => ({
      field: name,
      reference: f.reference!,
      column: `${name}_id`,
      onDelete: f.on_delete ?? 'restrict',
      required: f.required === true,
    }));
  const adminPath = def.adminPath ?? def.name;
  return Object.freeze({
    ...def,
    fields,
    table: def.table ?? def.name,
    primaryKey: def.primaryKey ?? ['id'],
    adminPath,
    adminNestedPath: def.adminNestedPath ?? adminPath,
    dbExport: def.dbExport ?? true,
    foreignKeys,
    uniqueFields: Object.entries(fields).filter(([, f]) => f.unique).map(([n]) => n),
    autoFields: Object.entries(fields).filter(([, f]) => f.auto).map(([n]) => n),
    transientFields: Object.entries(fields).filter(([, f]) => f.transient).map(([n]) => n),
  });
}
