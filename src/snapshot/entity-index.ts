import type { PdkSnapshot, Row } from '../plugins/types.js';
import type { EntityRows } from './types.js';

const EMPTY: readonly Row[] = Object.freeze([]);

/** A foreign key is stored as `{id}`; lookups by it compare the id. */
function keyOf(value: unknown): unknown {
  if (value && typeof value === 'object' && 'id' in (value as Record<string, unknown>)) return (value as { id: unknown }).id;
  return value;
}

/**
 * Read-only lookups over a snapshot's rows. Field indexes are built on first use and kept for
 * the snapshot's life, so a credential lookup is one map access after the first request.
 */
export class EntityIndex implements PdkSnapshot {
  private readonly byId = new Map<string, Map<string, Row>>();
  private readonly byField = new Map<string, Map<unknown, Row[]>>();

  /**
   * `previous`: the index of the snapshot being replaced; the lookups it already built over row
   * lists this snapshot shares are taken over (copied references, so no chain of old snapshots
   * stays alive).
   */
  constructor(
    readonly version: string,
    private readonly rows: EntityRows,
    previous?: EntityIndex,
  ) {
    if (!previous) return;
    for (const [entity, map] of previous.byId) if (previous.rows[entity] === rows[entity]) this.byId.set(entity, map);
    for (const [key, map] of previous.byField) {
      const entity = key.slice(0, key.indexOf('\0'));
      if (previous.rows[entity] === rows[entity]) this.byField.set(key, map);
    }
  }

  all(entity: string): readonly Row[] {
    return this.rows[entity] ?? EMPTY;
  }

  get(entity: string, id: string): Row | undefined {
    let map = this.byId.get(entity);
    if (!map) {
      map = new Map(this.all(entity).map((r) => [String(r.id), r]));
      this.byId.set(entity, map);
    }
    return map.get(id);
  }

  findAll(entity: string, field: string, value: unknown): readonly Row[] {
    const cacheKey = `${entity}\0${field}`;
    let map = this.byField.get(cacheKey);
    if (!map) {
      map = new Map();
      for (const row of this.all(entity)) {
        const k = keyOf(row[field]);
        const list = map.get(k);
        if (list) list.push(row);
        else map.set(k, [row]);
      }
      this.byField.set(cacheKey, map);
    }
    return map.get(keyOf(value)) ?? EMPTY;
  }

  find(entity: string, field: string, value: unknown): Row | undefined {
    return this.findAll(entity, field, value)[0];
  }

  findCredential(entity: string, field: string, value: unknown): Row | undefined {
    return this.find(entity, field, value);
  }

  getConsumer(idOrUsername: string): Row | undefined {
    return this.get('consumers', idOrUsername) ?? this.find('consumers', 'username', idOrUsername);
  }
}
