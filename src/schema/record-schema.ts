/** Small helpers over schemas and JSON values shared by the validation steps. */
import type { FieldDef, FieldsDef, RecordSchema, Subschema } from './types.js';

export type Json = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Lua decodes `{}` and `[]` to the same empty table, so Kong takes an empty object where it
 * expects an array and an empty array where it expects a record or map. We accept the same.
 */
export function asArray(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isPlainObject(v) && Object.keys(v).length === 0) return [];
  return undefined;
}

export function asObject(v: unknown): Json | undefined {
  if (isPlainObject(v)) return v;
  if (Array.isArray(v) && v.length === 0) return {};
  return undefined;
}

export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (isPlainObject(v)) {
    const out: Json = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return out as T;
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The subschema picked by the key's value; for a set (routes.protocols) the first element that has one. */
export function getSubschema(schema: RecordSchema, input: Json): Subschema | undefined {
  if (!schema.subschemaKey || !schema.resolveSubschema) return undefined;
  const key = input[schema.subschemaKey];
  if (typeof key === 'string') return schema.resolveSubschema(key);
  if (Array.isArray(key)) {
    for (const k of key) {
      if (typeof k !== 'string') continue;
      const sub = schema.resolveSubschema(k);
      if (sub) return sub;
    }
  }
  return undefined;
}

const fieldEntries = new WeakMap<FieldsDef, [string, FieldDef][]>();
const overlaidEntries = new WeakMap<FieldsDef, WeakMap<FieldsDef, [string, FieldDef][]>>();

function entriesOf(fields: FieldsDef): [string, FieldDef][] {
  let entries = fieldEntries.get(fields);
  if (!entries) {
    entries = Object.entries(fields);
    fieldEntries.set(fields, entries);
  }
  return entries;
}

/**
 * Fields in order, with the subschema's specialisations laid over the parent's. Computed once
 * per (schema, subschema) pair: callers only read the list.
 */
export function effectiveFields(schema: RecordSchema, input?: Json): readonly [string, FieldDef][] {
  const sub = input ? getSubschema(schema, input) : undefined;
  if (!sub?.fields) return entriesOf(schema.fields);
  let bySub = overlaidEntries.get(schema.fields);
  if (!bySub) {
    bySub = new WeakMap();
    overlaidEntries.set(schema.fields, bySub);
  }
  let entries = bySub.get(sub.fields);
  if (!entries) {
    const over = sub.fields;
    entries = entriesOf(schema.fields).map(([name, field]) => [name, over[name] ?? field]);
    bySub.set(sub.fields, entries);
  }
  return entries;
}

/** The parent's fields with a subschema's laid over them, as one (cached) FieldsDef. */
export function mergedFields(fields: FieldsDef, over: FieldsDef | undefined): FieldsDef {
  if (!over) return fields;
  let bySub = mergedCache.get(fields);
  if (!bySub) {
    bySub = new WeakMap();
    mergedCache.set(fields, bySub);
  }
  let merged = bySub.get(over);
  if (!merged) {
    merged = { ...fields, ...over };
    bySub.set(over, merged);
  }
  return merged;
}

const mergedCache = new WeakMap<FieldsDef, WeakMap<FieldsDef, FieldsDef>>();

const recordSchemas = new WeakMap<FieldDef, RecordSchema>();

export function recordSchemaOf(field: FieldDef): RecordSchema {
  let rs = recordSchemas.get(field);
  if (!rs) {
    rs = { fields: field.fields ?? {}, entityChecks: field.entity_checks };
    recordSchemas.set(field, rs);
  }
  return rs;
}

const splitPaths = new Map<string, readonly string[]>();

/** `a.b.c` → its parts; entity checks name the same few paths over and over. */
function partsOf(path: string): readonly string[] {
  let parts = splitPaths.get(path);
  if (!parts) {
    parts = path.split('.');
    // Paths come from schema definitions, but bound the cache in case one is built from input.
    if (splitPaths.size < 10_000) splitPaths.set(path, parts);
  }
  return parts;
}

/** `a.b.c` lookups used by entity checks on nested fields. */
export function getPath(obj: unknown, path: string): unknown {
  if (!path.includes('.')) return isPlainObject(obj) ? obj[path] : undefined;
  let cur: unknown = obj;
  for (const part of partsOf(path)) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function setPath(obj: Json, path: string, value: unknown): void {
  if (!path.includes('.')) {
    obj[path] = value;
    return;
  }
  const parts = partsOf(path);
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i];
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Json;
  }
  cur[parts[parts.length - 1]] = value;
}

export function fieldAt(fields: FieldsDef, path: string): FieldDef | undefined {
  if (!path.includes('.')) return fields[path];
  let current: FieldsDef | undefined = fields;
  let field: FieldDef | undefined;
  for (const part of partsOf(path)) {
    field = current?.[part];
    if (!field) return undefined;
    current = field.fields;
  }
  return field;
}

/** Kong's is_nonempty: null, absent, `""`, `[]` and `{}` are all empty. */
export function isNonEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}
