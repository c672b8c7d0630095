/**
 * Deterministic ids for items declared without one, as Kong's declarative_config.lua makes
 * them: UUIDv5 of a cache-key-like string, in a per-entity namespace that is itself the UUIDv5
 * of the entity name in Kong's fixed namespace. Same file, same ids, on every load and on Kong.
 */
import { uuidV5 } from '../proxy/router/uuid-v5.js';
import type { Entity } from '../schema/index.js';

/** Kong's `_entities` namespace (resty.jit-uuid factory_v5 seed in declarative_config.lua). */
const ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5';
/** Items carry no ws_id in a file: Kong then uses `*` in the keys. */
const ANY_WORKSPACE = '*';

const namespaces = new Map<string, string>();

function namespaceOf(entityName: string): string {
  let ns = namespaces.get(entityName);
  if (!ns) {
    ns = uuidV5(ENTITIES_NAMESPACE, entityName);
    namespaces.set(entityName, ns);
  }
  return ns;
}

export interface ParentRef {
  /** The parent's primary key (`{ id }`). */
  readonly pk: { id: string };
  /** The child's foreign field pointing at that parent (`route` for plugins under a route). */
  readonly field: string;
}

type Item = Record<string, unknown>;

/** Kong's build_cache_key: undefined when a needed part is missing (then the id is random). */
function cacheKeyString(entity: Entity, item: Item, parent: ParentRef | undefined): string | undefined {
  const parts: string[] = [entity.name, ANY_WORKSPACE];
  for (const k of entity.cacheKey ?? []) {
    const field = entity.fields[k];
    const value = item[k];
    if (field?.auto) return undefined;
    if (typeof value === 'string') parts.push(value);
    else if (value === null || value === undefined) {
      if (parent && k === parent.field) parts.push(parent.pk.id);
      else if (field?.required) return undefined;
      else parts.push('');
    }
    // Other values (a `{id}` object, a number) add nothing, exactly as in Kong.
  }
  return parts.join(':');
}

function endpointKeyString(entity: Entity, item: Item, parent: ParentRef | undefined): string | undefined {
  const ek = entity.endpointKey;
  if (!ek || item[ek] === undefined || item[ek] === null) return undefined;
  const field = entity.fields[ek];
  let key = String(item[ek]);
  if (!field?.unique) {
    // Not globally unique: unique under its parent (targets of an upstream), so the parent is part of the key.
    for (const fk of entity.foreignKeys) {
      if (fk.onDelete !== 'cascade') continue;
      if (parent) key += `:${parent.pk.id}`;
      else {
        const v = item[fk.field];
        key += `:${typeof v === 'object' && v !== null ? String((v as Item).id ?? '') : String(v ?? '')}`;
      }
    }
    if (!field?.unique_across_ws) key += `:${ANY_WORKSPACE}`;
  }
  return key;
}

/**
 * The id Kong would generate for `item` (given as written in the file, before defaults), or
 * undefined when Kong gives it a random one (no cache key or endpoint key value available).
 */
export function declarativeId(entity: Entity, item: Item, parent?: ParentRef): string | undefined {
  if (entity.primaryKey.length !== 1) return undefined;
  const pk = entity.primaryKey[0];
  if (item[pk] !== undefined && item[pk] !== null) return undefined;
  if (entity.fields[pk]?.uuid !== true) return undefined;
  const key = entity.cacheKey ? cacheKeyString(entity, item, parent) : endpointKeyString(entity, item, parent);
  return key === undefined ? undefined : uuidV5(namespaceOf(entity.name), key);
}
