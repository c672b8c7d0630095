/**
 * Kong's process_auto_fields: expand shorthands, generate ids and timestamps, fill defaults
 * (not on update, where absent means "keep"), de-duplicate sets. Works on a copy.
 */
import { randomUUID, randomBytes } from 'node:crypto';
import type { FieldDef, RecordSchema } from './types.js';
import { asArray, deepCopy, effectiveFields, isPlainObject, recordSchemaOf, type Json } from './record-schema.js';
import { validateField, type ErrorTree } from './field-validation.js';

export type AutoContext = 'insert' | 'update' | 'upsert';

export interface AutoOptions {
  /** Clock in epoch milliseconds; defaults to Date.now(). */
  now?: number;
}

function handleMissing(field: FieldDef): unknown {
  if (field.default !== undefined) return deepCopy(field.default);
  if (field.nilable) return undefined;
  if (field.required !== true) return null;
  if (field.abstract) return undefined;
  // A required record without a default is built from its own fields' defaults.
  if (field.type === 'record') return fill(recordSchemaOf(field), {}, 'insert', {});
  return undefined;
}

/** Sets drop repeated values, keeping the first; only scalars compare equal, as Lua tables do not. */
function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const v of values) {
    if (typeof v === 'object' && v !== null) {
      out.push(v);
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

function adjust(field: FieldDef, value: unknown, context: AutoContext, opts: AutoOptions): unknown {
  if (field.abstract) return value;
  if (field.type === 'record') {
    const recurse = context === 'update' ? value !== null && value !== undefined : value !== null && (value !== undefined || field.required === true);
    if (recurse) {
      const v = value === undefined ? handleMissing(field) : value;
      if (isPlainObject(v)) return fill(recordSchemaOf(field), v, context, opts);
      value = v;
    }
  } else if (field.type === 'array' || field.type === 'set') {
    const arr = asArray(value);
    if (arr) {
      const list = field.type === 'set' ? dedupe(arr) : [...arr];
      const el = field.elements;
      return el ? list.map((v) => adjust(el, v, context, opts)) : list;
    }
  } else if (field.type === 'map' && isPlainObject(value) && field.values) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = adjust(field.values, v, context, opts);
    return out;
  }
  if (value === undefined && context !== 'update') return handleMissing(field);
  return value;
}

/** Fills `data` in place: it is always the caller's own copy (or a fresh default). */
function fill(schema: RecordSchema, data: Json, context: AutoContext, opts: AutoOptions): Json {
  const nowMs = opts.now ?? Date.now();
  const insertLike = context === 'insert' || context === 'upsert';
  for (const [key, field] of effectiveFields(schema, data)) {
    let value = data[key];
    if (field.auto) {
      if (field.uuid) {
        if (insertLike && value === undefined) value = randomUUID();
      } else if (field.type === 'string') {
        if (insertLike && value === undefined) value = randomBytes(24).toString('base64url');
      } else if ((key === 'created_at' && insertLike && (value === null || value === undefined)) || key === 'updated_at') {
        // auto_timestamp_ms is a number of seconds with a millisecond fraction, as ngx.now().
        value = field.type === 'number' ? Math.floor(nowMs) / 1000 : Math.floor(nowMs / 1000);
      }
    }
    value = adjust(field, value, context, opts);
    if (value !== undefined) data[key] = value;
    // Deleting an absent key is not free in V8; most fields of an input are absent.
    else if (Object.prototype.hasOwnProperty.call(data, key)) delete data[key];
  }
  return data;
}

function expandShorthands(schema: RecordSchema, data: Json): ErrorTree | undefined {
  const errors: ErrorTree = {};
  for (const sh of schema.shorthandFields ?? []) {
    const value = data[sh.name];
    if (value === undefined) continue;
    const err = validateField(sh.type, value);
    if (err !== undefined) {
      errors[sh.name] = err;
      continue;
    }
    delete data[sh.name];
    const expanded = sh.expand(value);
    if (!expanded) continue;
    for (const [k, v] of Object.entries(expanded)) {
      data[k] = isPlainObject(v) ? { ...(isPlainObject(data[k]) ? data[k] : {}), ...v } : v;
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

export function processAutoFields(
  schema: RecordSchema,
  input: Json,
  context: AutoContext,
  opts: AutoOptions = {},
): { data: Json } | { errors: ErrorTree } {
  const data = deepCopy(input);
  const errors = expandShorthands(schema, data);
  if (errors) return { errors };
  return { data: fill(schema, data, context, opts) };
}
