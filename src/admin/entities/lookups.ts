/** Finding the entities a URL names, with Kong's 404 rules for nested paths. */
import type { Entity, ForeignKey } from '../../schema/index.js';
import { keyFromPath, type Dao, type EntityKey, type Json } from '../../dao/index.js';

export async function findByPath(dao: Dao, entity: Entity, raw: string): Promise<Json | null> {
  return dao.select(entity, keyFromPath(entity, raw));
}

/** The child key, scoped to the parent when it is an endpoint key (targets are unique per upstream). */
export function childKey(child: Entity, fk: ForeignKey, raw: string, parentId: string): EntityKey {
  const key = keyFromPath(child, raw);
  return 'id' in key ? key : { ...key, within: { field: fk.field, id: parentId } };
}

export function belongsTo(child: Json, fk: ForeignKey, parentId: string): boolean {
  const ref = child[fk.field] as Json | null | undefined;
  return !!ref && ref.id === parentId;
}
