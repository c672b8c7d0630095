/**
 * Kong's Schema:merge_values, used by PATCH: the update's values win, absent fields keep the
 * stored value, and records are merged field by field (arrays, sets and maps are replaced).
 */
import type { RecordSchema } from './types.js';
import { effectiveFields, isPlainObject, recordSchemaOf, type Json } from './record-schema.js';

export function mergeValues(schema: RecordSchema, top: Json, bottom: Json | null | undefined): Json {
  const base = isPlainObject(bottom) ? bottom : {};
  const out: Json = { ...base, ...top };
  for (const [key, field] of effectiveFields(schema, base)) {
    const topValue = top[key];
    if (topValue === undefined) {
      if (key in base) out[key] = base[key];
    } else if (field.type === 'record' && !field.abstract && isPlainObject(topValue)) {
      out[key] = mergeValues(recordSchemaOf(field), topValue, base[key] as Json | null | undefined);
    } else {
      out[key] = topValue;
    }
  }
  return out;
}
