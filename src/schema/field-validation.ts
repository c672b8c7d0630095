/**
 * Validation of one value against one field definition (Kong's Schema:validate_field):
 * the type first, then the validators in Kong's fixed order; the first failure wins.
 */
import type { FieldDef } from './types.js';
import { msg, quotedList } from './messages.js';
import { asArray, asObject, isPlainObject, recordSchemaOf } from './record-schema.js';
import { isVaultReference } from './support/pem.js';
import { processAutoFields } from './auto-fields.js';
import { validateRecord } from './record-validation.js';
import { lookupEntity } from './registry.js';

/** A field's error: a message, per-element errors (null where fine), or nested field errors. */
export type ErrValue = string | ErrorTree | (ErrValue | null)[];
export interface ErrorTree {
  [field: string]: ErrValue | string[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}

function show(v: unknown): string {
  return v === null ? 'null' : String(v);
}

/** Lua's `#` on a string counts bytes, and Kong's length limits are Lua lengths. */
function lengthOf(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  return 0;
}

// A UTF-8 string has at least as many bytes as UTF-16 code units and at most three times as
// many, so most length checks are settled without encoding the string.
function lengthAtLeast(v: unknown, n: number): boolean {
  if (typeof v === 'string' && v.length >= n) return true;
  return lengthOf(v) >= n;
}

function lengthAtMost(v: unknown, n: number): boolean {
  if (typeof v === 'string' && v.length * 3 <= n) return true;
  return lengthOf(v) <= n;
}

function validateElements(elements: FieldDef, values: unknown[]): ErrValue | undefined {
  let errs: (ErrValue | null)[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const e = validateField(elements, values[i]);
    if (e === undefined) continue;
    errs ??= [];
    // Like a Lua list, the array ends at the last failing element; earlier good ones are null.
    while (errs.length < i) errs.push(null);
    errs.push(e);
  }
  return errs;
}

/** A foreign value is `{ id }`; without a valid id the whole nested object is checked against its entity. */
function validateForeign(field: FieldDef, value: unknown): ErrValue | undefined {
  const target = field.reference ? lookupEntity(field.reference) : undefined;
  const pkNames = target?.primaryKey ?? ['id'];
  const obj = isPlainObject(value) ? value : {};
  const errors: ErrorTree = {};
  for (const pk of pkNames) {
    const v = obj[pk];
    if (v === undefined || v === false) errors[pk] = msg.MISSING_PK;
    else if (v === null) errors[pk] = msg.REQUIRED;
    else {
      const pkField = target?.fields[pk] ?? { type: 'string', uuid: true };
      const e = validateField(pkField, v);
      if (e !== undefined) errors[pk] = e;
    }
  }
  if (Object.keys(errors).length === 0) return undefined;
  if (isPlainObject(value) && target) {
    const nested = validateRecord(target, value, false);
    if (nested) return nested;
  }
  return errors;
}

function checkType(field: FieldDef, plan: FieldPlan, value: unknown): ErrValue | undefined {
  switch (field.type) {
    case 'array':
    case 'set': {
      const arr = asArray(value);
      if (!arr) return field.type === 'set' ? msg.SET : msg.ARRAY;
      return validateElements(plan.elements!, arr);
    }
    case 'map': {
      const obj = asObject(value);
      if (!obj) return msg.MAP;
      // Kong reports only the first bad key or value of a map, as one message.
      for (const k in obj) {
        if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
        const ek = validateField(plan.keys!, k);
        if (ek !== undefined) return ek;
        const ev = validateField(plan.values!, obj[k]);
        if (ev !== undefined) return ev;
      }
      return undefined;
    }
    case 'record': {
      const obj = asObject(value);
      if (!obj) return msg.RECORD;
      const schema = recordSchemaOf(field);
      const filled = processAutoFields(schema, obj, 'insert');
      if ('errors' in filled) return filled.errors;
      return validateRecord(schema, filled.data, true);
    }
    case 'foreign':
      return validateForeign(field, value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : msg.INTEGER;
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value) ? undefined : msg.NUMBER;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : msg.BOOLEAN;
    case 'string':
      return typeof value === 'string' ? undefined : msg.STRING;
    case 'json':
      return undefined;
  }
}

type Validator = (value: any, field: FieldDef) => string | undefined;

/** Kong's validators_order; only those present on the field run. */
const validators: [keyof FieldDef, Validator][] = [
  ['eq', (v, f) => (v === f.eq ? undefined : msg.eq(show(f.eq)))],
  ['ne', (v, f) => (v !== f.ne ? undefined : msg.ne(show(v)))],
  ['not_one_of', (v, f) => (f.not_one_of!.includes(v) ? msg.notOneOf(f.not_one_of!) : undefined)],
  ['one_of', (v, f) => (f.one_of!.includes(v) ? undefined : msg.oneOf(f.one_of!))],
  ['gt', (v, f) => (v > f.gt! ? undefined : msg.gt(f.gt!))],
  ['timestamp', (v) => (v > 0 ? undefined : msg.TIMESTAMP)],
  ['uuid', (v) => (isUuid(v) ? undefined : msg.UUID)],
  ['between', (v, f) => (v < f.between![0] || v > f.between![1] ? msg.between(f.between![0], f.between![1]) : undefined)],
  ['len_eq', (v, f) => (lengthOf(v) === f.len_eq ? undefined : msg.lenEq(f.len_eq!))],
  ['len_min', (v, f) => (lengthAtLeast(v, f.len_min!) ? undefined : msg.lenMin(f.len_min!))],
  ['len_max', (v, f) => (lengthAtMost(v, f.len_max!) ? undefined : msg.lenMax(f.len_max!))],
  ['starts_with', (v, f) => (String(v).startsWith(f.starts_with!) ? undefined : msg.startsWith(f.starts_with!))],
  ['not_match', (v, f) => (f.not_match!.test(v) ? msg.invalidValue(v) : undefined)],
  ['match_none', (v, f) => f.match_none!.find((r) => r.pattern.test(v))?.err],
  ['match', (v, f) => (f.match!.test(v) ? undefined : msg.invalidValue(v))],
  ['match_all', (v, f) => f.match_all!.find((r) => !r.pattern.test(v))?.err],
  ['match_any', (v, f) => (f.match_any!.patterns.some((p) => p.test(v)) ? undefined : f.match_any!.err)],
  ['contains', (v, f) => ((v as unknown[]).includes(f.contains) ? undefined : msg.contains(show(f.contains)))],
  ['custom_validator', (v, f) => f.custom_validator!(v)],
  ['mutually_exclusive_subsets', (v, f) => exclusiveSubsets(v as unknown[], f.mutually_exclusive_subsets!)],
];

function exclusiveSubsets(values: unknown[], subsets: readonly (readonly string[])[]): string | undefined {
  const memberOf: (readonly string[])[] = [];
  for (const v of values) {
    const subset = subsets.find((s) => s.includes(v as string));
    if (subset && !memberOf.includes(subset)) memberOf.push(subset);
  }
  return memberOf.length <= 1 ? undefined : msg.exclusiveSets(quotedList(memberOf));
}

/**
 * What validating against one field needs, worked out once per field definition instead of
 * per value: the validators the field actually has (in Kong's order, bound to the field with
 * the implicit `len_min: 1` of strings), and the element/key/value definitions with
 * `required: true` laid over them. Field definitions are never mutated once declared, so the
 * plan is cached by identity.
 */
interface FieldPlan {
  readonly checks: readonly ((value: any) => string | undefined)[];
  readonly elements?: FieldDef;
  readonly keys?: FieldDef;
  readonly values?: FieldDef;
}

const plans = new WeakMap<FieldDef, FieldPlan>();
const STRING_ELEMENT: FieldDef = { type: 'string' };

function planOf(field: FieldDef): FieldPlan {
  let plan = plans.get(field);
  if (plan) return plan;
  // Kong rejects empty strings unless a field says otherwise.
  const effective: FieldDef = field.type === 'string' && field.len_min === undefined ? { ...field, len_min: 1 } : field;
  const checks: ((value: any) => string | undefined)[] = [];
  for (const [name, check] of validators) {
    if (effective[name] !== undefined) checks.push((value) => check(value, effective));
  }
  const required = (def: FieldDef | undefined): FieldDef => ({ ...(def ?? STRING_ELEMENT), required: true });
  plan = {
    checks,
    elements: field.type === 'array' || field.type === 'set' ? required(field.elements) : undefined,
    keys: field.type === 'map' ? required(field.keys) : undefined,
    values: field.type === 'map' ? required(field.values) : undefined,
  };
  plans.set(field, plan);
  return plan;
}

/** Returns undefined when `value` is valid for `field`, else Kong's error for it. */
export function validateField(field: FieldDef, value: unknown): ErrValue | undefined {
  if (value === null) {
    if ('ne' in field && field.ne === null) return field.err ?? msg.ne('null');
    if (field.eq !== undefined && field.eq !== null) return msg.eq(show(field.eq));
    if (field.required) return msg.REQUIRED;
    return undefined;
  }
  if (value === undefined) return field.required ? msg.REQUIRED : undefined;
  if ('eq' in field && field.eq === null) return field.err ?? msg.eq('null');
  if (field.abstract) return msg.ABSTRACT;

  const plan = planOf(field);
  const typeError = checkType(field, plan, value);
  if (typeError !== undefined) return typeError;
  if (field.type === 'string' && field.referenceable && isVaultReference(value)) return undefined;
  for (const check of plan.checks) {
    const err = check(value);
    if (err !== undefined) return field.err ?? err;
  }
  return undefined;
}
