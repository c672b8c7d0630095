/**
 * Kong's Schema:validate over an entity or record whose auto fields were already processed:
 * every present field is checked, required fields are enforced, then the entity checks run.
 * All problems are collected; nothing stops at the first.
 */
import type { FieldsDef, RecordSchema } from './types.js';
import { msg } from './messages.js';
import { getSubschema, mergedFields, type Json } from './record-schema.js';
import { validateField, type ErrorTree } from './field-validation.js';
import { runEntityChecks } from './entity-checks.js';

/** Fields Kong never validates from input: `updated_at` is always reset by the server. */
const UNVALIDATED = new Set(['updated_at']);

const requiredFields = new WeakMap<FieldsDef, readonly string[]>();

function requiredFieldsOf(fields: FieldsDef): readonly string[] {
  let names = requiredFields.get(fields);
  if (!names) {
    names = Object.keys(fields).filter((name) => fields[name].required);
    requiredFields.set(fields, names);
  }
  return names;
}

export function validateRecord(schema: RecordSchema, input: Json, fullCheck: boolean, updating = false): ErrorTree | undefined {
  if (schema.subschemaKey) {
    const key = input[schema.subschemaKey];
    if (key === null || key === undefined) return { [schema.subschemaKey]: msg.REQUIRED };
    if (!getSubschema(schema, input)) {
      // Kong formats the first element of a set key, which prints `nil` for an empty set.
      const first = Array.isArray(key) ? key[0] : key;
      const shown = first === undefined || first === null ? 'nil' : String(first);
      return { [schema.subschemaKey]: (schema.subschemaError ?? 'unknown type: %s').replace('%s', shown) };
    }
  }
  const sub = getSubschema(schema, input);
  const errors: ErrorTree = {};

  // Object.keys, not entries: no pair arrays per field, on the hottest loop of validation.
  for (const k of Object.keys(input)) {
    const v = input[k];
    if (UNVALIDATED.has(k) || (k === 'ttl' && schema.ttl)) continue;
    const field = sub?.fields?.[k] ?? schema.fields[k];
    if (!field) {
      errors[k] = msg.UNKNOWN;
      continue;
    }
    const err = validateField(field, v);
    if (err !== undefined) errors[k] = err;
  }

  for (const name of requiredFieldsOf(schema.fields)) {
    if (input[name] === null || (fullCheck && input[name] === undefined)) errors[name] = msg.REQUIRED;
  }

  runEntityChecks(schema.entityChecks, input, { fields: schema.fields, updating, fullCheck }, errors);
  if (sub?.entityChecks) {
    runEntityChecks(sub.entityChecks, input, { fields: mergedFields(schema.fields, sub.fields), updating, fullCheck }, errors);
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}
