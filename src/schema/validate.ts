/**
 * The one entry point to validate an entity write, following Kong's DAO: shorthands and auto
 * fields, PATCH merged onto the stored row, immutable fields, full validation with every error
 * reported together, then write transformations.
 */
import { GatewayError, ErrorCode } from '../errors.js';
import type { Entity, Operation } from './types.js';
import { msg } from './messages.js';
import { processAutoFields } from './auto-fields.js';
import { mergeValues } from './merge.js';
import { validateRecord } from './record-validation.js';
import { validateField, type ErrorTree } from './field-validation.js';
import { deepCopy, deepEqual, isNonEmpty, isPlainObject, type Json } from './record-schema.js';
import { schemaViolation } from './violation.js';
import { getEntity, lookupEntity } from './registry.js';
import { ttl as ttlField } from './typedefs.js';

/** One definition, so its validation plan is built once. */
const TTL_FIELD = ttlField();

export interface ValidateOptions {
  operation: Operation;
  /** The stored entity: required for `update` (PATCH), optional for `upsert` (keeps created_at). */
  existing?: Json | null;
  /** Clock in epoch milliseconds for created_at/updated_at; defaults to Date.now(). */
  now?: number;
  /** Run write transformations (ca_certificates.cert_digest); default true. */
  transform?: boolean;
}

function immutableErrors(entity: Entity, input: Json, existing: Json): ErrorTree | undefined {
  const errors: ErrorTree = {};
  for (const [key, field] of Object.entries(entity.fields)) {
    if (!field.immutable || input[key] === undefined || existing[key] === undefined || existing[key] === null) continue;
    const same = Array.isArray(input[key]) && Array.isArray(existing[key])
      ? deepEqual([...(input[key] as unknown[])].sort(), [...(existing[key] as unknown[])].sort())
      : deepEqual(input[key], existing[key]);
    if (!same) errors[key] = msg.IMMUTABLE;
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

function applyTransformations(entity: Entity, data: Json): void {
  for (const t of entity.transformations ?? []) {
    const args = t.input.map((name) => data[name]);
    if (!args.every(isNonEmpty)) continue;
    const result = t.onWrite(...args);
    if (typeof result === 'string') throw new GatewayError(ErrorCode.TRANSFORMATION_ERROR, msg.transformation(result));
    Object.assign(data, result);
  }
}

/** Foreign values are stored and returned as their primary key only: `{ id }`. */
function trimForeignKeys(entity: Entity, data: Json): void {
  for (const fk of entity.foreignKeys) {
    const value = data[fk.field];
    if (!isPlainObject(value)) continue;
    const pk = lookupEntity(fk.reference)?.primaryKey ?? ['id'];
    data[fk.field] = Object.fromEntries(pk.map((k) => [k, value[k]]));
  }
}

/**
 * Validates `input` for `operation` and returns the entity to store: defaults filled, sets
 * de-duplicated, shorthands expanded, every field present (`null` when unset). Throws
 * GatewayError SCHEMA_VIOLATION with Kong's `fields` tree and message when anything is wrong.
 */
export function validateEntity(entityOrName: Entity | string, input: unknown, options: ValidateOptions): Json {
  const entity = typeof entityOrName === 'string' ? getEntity(entityOrName) : entityOrName;
  const { operation } = options;
  if (!isPlainObject(input)) throw schemaViolation({ '@entity': [msg.RECORD] });
  const existing = options.existing ?? undefined;
  const raw = entity.normalizeInput ? entity.normalizeInput(deepCopy(input), operation) : input;

  const processed = processAutoFields(entity, raw, operation, { now: options.now });
  if ('errors' in processed) throw schemaViolation(processed.errors);
  let data = processed.data;

  if (existing && (operation === 'update' || operation === 'upsert')) {
    const immutable = immutableErrors(entity, raw, existing);
    if (immutable) throw schemaViolation(immutable);
  }
  if (operation === 'update') {
    data = mergeValues(entity, data, existing);
  } else if (operation === 'upsert' && existing && raw.created_at === undefined && existing.created_at != null) {
    // A PUT replacing a stored entity keeps its creation time.
    data.created_at = existing.created_at;
  }

  const errors = validateRecord(entity, data, operation !== 'update', operation === 'update') ?? {};
  if (entity.ttl && data.ttl !== undefined && data.ttl !== null) {
    const err = validateField(TTL_FIELD, data.ttl);
    if (err !== undefined) errors.ttl = err;
  }
  if (Object.keys(errors).length > 0) throw schemaViolation(errors);

  if (options.transform !== false) applyTransformations(entity, data);
  trimForeignKeys(entity, data);
  // Every field present, in schema order (Kong renders unset fields as null), then extras such as ttl.
  const out: Json = {};
  for (const key of Object.keys(entity.fields)) out[key] = data[key] === undefined ? null : data[key];
  for (const key of Object.keys(data)) if (!(key in out)) out[key] = data[key];
  return out;
}
