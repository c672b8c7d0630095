/**
 * Addressing an entity from a URL segment (Kong's endpoints.lua): a UUID is the primary key,
 * anything else is the endpoint key (services `name`, consumers `username`, ...), validated
 * against that field first. Entities without an endpoint key take UUIDs only.
 */
import { isUuid, validateField, type Entity } from '../schema/index.js';
import { kongErrors } from './kong-errors.js';
import type { EntityKey } from './sql.js';

export function keyFromPath(entity: Entity, raw: string): EntityKey {
  if (isUuid(raw)) return { id: raw };
  const field = entity.endpointKey ? entity.fields[entity.endpointKey] : undefined;
  if (!entity.endpointKey || !field) throw kongErrors.invalidPrimaryKey({ [entity.primaryKey[0]]: 'expected a valid UUID' });
  let value: unknown = field.type === 'integer' || field.type === 'number' ? (Number.isNaN(Number(raw)) ? raw : Number(raw)) : raw;
  // Keys are stored normalised (targets: `host` → `host:8000`), so look them up the same way.
  if (entity.normalizeInput) value = entity.normalizeInput({ [entity.endpointKey]: value }, 'update')[entity.endpointKey] ?? value;
  const err = validateField(field, value);
  if (err !== undefined) throw kongErrors.invalidUnique(entity.endpointKey, typeof err === 'string' ? err : JSON.stringify(err));
  return { field: entity.endpointKey, value };
}

/** The key as Kong echoes it in not-found errors: `{id="..."}` or `{name="..."}`. */
export function keyObject(entity: Entity, key: EntityKey): Record<string, unknown> {
  return 'id' in key ? { [entity.primaryKey[0]]: key.id } : { [key.field]: key.value };
}
