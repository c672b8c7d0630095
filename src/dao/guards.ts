/**
 * Values the schema accepts but PostgreSQL cannot store: NUL characters in text and jsonb,
 * and integers beyond bigint. Rejected as schema violations before the write, so a client
 * can never turn them into a database error.
 */
import { schemaViolation, type Entity } from '../schema/index.js';
import { columnsOf } from './columns.js';

const INT8_MAX = 9223372036854775807;

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}

export function assertStorable(entity: Entity, data: Record<string, unknown>): void {
  const errors: Record<string, string> = {};
  for (const col of columnsOf(entity)) {
    const value = data[col.field];
    if (hasNul(value)) errors[col.field] = 'invalid value: NUL characters cannot be stored';
    else if (col.kind === 'bigint' && typeof value === 'number' && Math.abs(value) >= INT8_MAX) {
      errors[col.field] = 'value should be between -9223372036854775807 and 9223372036854775807';
    }
  }
  if (Object.keys(errors).length > 0) throw schemaViolation(errors);
}
