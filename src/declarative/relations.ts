/**
 * Which entity arrays may nest inside which items: every foreign key of a child entity lets
 * the child's array appear inside the referenced parent (routes in services, plugins in
 * routes, credentials in consumers, snis in certificates), unless the parent already has a
 * stored field of that name (a transient one such as certificates.snis still nests).
 */
import { listEntities, lookupEntity, type Entity } from '../schema/index.js';

export interface NestedRelation {
  /** The key inside the parent item, which is the child entity's name (`routes`). */
  readonly key: string;
  readonly child: Entity;
  /** The child's foreign field filled with the parent's key (`service`). */
  readonly field: string;
}

const cache = new Map<string, NestedRelation[]>();
let cachedCount = -1;

/** Nested arrays allowed in items of `parent`. Recomputed when entities are registered later (plugins). */
export function nestedRelations(parent: Entity): readonly NestedRelation[] {
  const all = listEntities();
  if (all.length !== cachedCount) {
    cache.clear();
    cachedCount = all.length;
  }
  let list = cache.get(parent.name);
  if (!list) {
    list = [];
    for (const child of all) {
      const own = parent.fields[child.name];
      if (own && !own.transient) continue;
      for (const fk of child.foreignKeys) {
        if (fk.reference === parent.name) list.push({ key: child.name, child, field: fk.field });
      }
    }
    cache.set(parent.name, list);
  }
  return list;
}

/** Top-level sections a file may have: every registered entity, in dependency order. */
export function declarativeEntities(): Entity[] {
  return listEntities();
}

export function entityForSection(name: string): Entity | undefined {
  return lookupEntity(name);
}
