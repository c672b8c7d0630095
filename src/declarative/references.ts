/**
 * Identity inside one file: duplicate ids or endpoint keys are uniqueness violations, and a
 * foreign field written as a string (a name or an id) or as `{id}` must name an item of the
 * file, as Kong's validate_references requires.
 */
import type { Entity } from '../schema/index.js';
import { problemOf, type CollectedItem } from './collect.js';

/** Stands in for a reference that did not resolve, so the item's other fields still validate. */
export const UNRESOLVED_ID = '00000000-0000-0000-0000-000000000000';

export function uniquenessMessage(entity: string, key: string, value: unknown): string {
  return `uniqueness violation: '${entity}' entity with ${key} set to '${String(value)}' already declared`;
}

export interface ItemIndex {
  byId: Map<string, Map<string, CollectedItem>>;
  byKey: Map<string, Map<string, CollectedItem>>;
}

function usesEndpointKey(entity: Entity): entity is Entity & { endpointKey: string } {
  return !!entity.endpointKey && entity.fields[entity.endpointKey]?.unique === true;
}

/** Indexes items by id and by (globally unique) endpoint key, reporting duplicates. */
export function indexItems(items: readonly CollectedItem[]): ItemIndex {
  const byId = new Map<string, Map<string, CollectedItem>>();
  const byKey = new Map<string, Map<string, CollectedItem>>();
  for (const item of items) {
    const name = item.entity.name;
    let failed = false;
    if (usesEndpointKey(item.entity)) {
      const value = item.data[item.entity.endpointKey];
      if (value !== undefined && value !== null) {
        let keys = byKey.get(name);
        if (!keys) byKey.set(name, (keys = new Map()));
        const k = String(value);
        if (keys.has(k)) {
          problemOf(item).messages.push(uniquenessMessage(name, item.entity.endpointKey, value));
          failed = true;
        } else keys.set(k, item);
      }
    }
    const id = String(item.data.id);
    let ids = byId.get(name);
    if (!ids) byId.set(name, (ids = new Map()));
    if (ids.has(id)) {
      if (!failed) problemOf(item).messages.push(uniquenessMessage(name, 'primary key', id));
    } else ids.set(id, item);
  }
  return { byId, byKey };
}

function find(index: ItemIndex, entity: string, key: string): CollectedItem | undefined {
  return index.byKey.get(entity)?.get(key) ?? index.byId.get(entity)?.get(key);
}

/** Replaces every foreign value by `{id}` of the item it names; unknown ones are reported. */
export function resolveReferences(items: readonly CollectedItem[], index: ItemIndex): void {
  for (const item of items) {
    for (const fk of item.entity.foreignKeys) {
      if (fk.field === item.parentField) continue;
      const value = item.data[fk.field];
      if (value === undefined || value === null) continue;
      let key: string | undefined;
      if (typeof value === 'string') key = value;
      else if (typeof value === 'object' && !Array.isArray(value) && typeof (value as { id?: unknown }).id === 'string') key = (value as { id: string }).id;
      // Anything else is left for the schema to reject with its own message.
      if (key === undefined) continue;
      const found = find(index, fk.reference, key);
      if (found) {
        item.data[fk.field] = { id: found.data.id };
      } else {
        const shown = typeof value === 'string' ? value : JSON.stringify(value);
        problemOf(item).messages.push(`invalid reference '${fk.field}: ${shown}' (no such entry in '${fk.reference}')`);
        item.data[fk.field] = { id: UNRESOLVED_ID };
      }
    }
  }
}
