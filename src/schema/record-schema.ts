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
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
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

/** Fields in order, with the subschema's specialisations laid over the parent's. */
export function effectiveFields(schema: RecordSchema, input?: Json): [string, FieldDef][] {
  const sub = input ? getSubschema(schema, input) : undefined;
  return Object.entries(schema.fields).map(([name, field]) => [name, sub?.fields?.[name] ?? field]);
}

const recordSchemas = new WeakMap<FieldDef, RecordSchema>();

export function recordSchemaOf(field: FieldDef): RecordSchema {
  let rs = recordSchemas.get(field);
  if (!rs) {
    rs = { fields: field.fields ?? {}, entityChecks: field.entity_checks };
    recordSchemas.set(field, rs);
  }
  return rs;
}

/** `a.b.c` lookups used by entity checks on nested fields. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function setPath(obj: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Json;
  }
  cur[parts[parts.length - 1]] = value;
}

export function fieldAt(fields: FieldsDef, path: string): FieldDef | undefined {
  const [head, ...rest] = path.split('.');
  const field = fields[head];
  if (!field || rest.length === 0) return field;
  return field.fields ? fieldAt(field.fields, rest.join('.')) : undefined;
}

/** Kong's is_nonempty: null, absent, `""`, `[]` and `{}` are all empty. */
export function isNonEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}
