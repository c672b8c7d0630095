import type { EntityChange } from '../dao/events.js';
import type { Row } from '../plugins/types.js';
import { lookupEntity } from '../schema/index.js';
import type { EntityRows } from './types.js';

/** The field holding a row's primary key, or null when the entity is not registered here. */
export function primaryKeyOf(entity: string): string | null {
  return lookupEntity(entity)?.primaryKey[0] ?? null;
}

/**
 * True when the change alone says what the row is now: a delete, or a create/update carrying
 * the stored row. Anything else needs a read of the datastore.
 */
export function isPatchable(change: EntityChange, rows: EntityRows): boolean {
  if (!(change.entity in rows) || primaryKeyOf(change.entity) === null) return false;
  return change.op === 'delete' || change.row !== undefined;
}

/**
 * The rows after the changes, in order (the last change of a row wins: each carries the whole
 * row). Lists of untouched entities, and untouched rows, are the very same objects, so the
 * snapshot build reuses everything compiled from them.
 */
export function patchRows(rows: EntityRows, changes: readonly EntityChange[]): EntityRows {
  const byEntity = new Map<string, Map<string, EntityChange>>();
  for (const change of changes) {
    let latest = byEntity.get(change.entity);
    if (!latest) byEntity.set(change.entity, (latest = new Map()));
    // Re-inserting keeps the map in order of each row's last change.
    latest.delete(change.id);
    latest.set(change.id, change);
  }
  const out: Record<string, readonly Row[]> = { ...rows };
  for (const [entity, latest] of byEntity) {
    const pk = primaryKeyOf(entity) ?? 'id';
    const list: Row[] = [];
    const replaced = new Set<string>();
    for (const row of rows[entity] ?? []) {
      const id = String(row[pk]);
      const change = latest.get(id);
      if (!change) {
        list.push(row);
        continue;
      }
      replaced.add(id);
      if (change.op !== 'delete' && change.row) list.push(change.row as Row);
    }
    for (const [id, change] of latest) if (!replaced.has(id) && change.op !== 'delete' && change.row) list.push(change.row as Row);
    out[entity] = list;
  }
  return out;
}
