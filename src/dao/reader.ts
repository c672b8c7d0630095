/**
 * Where the DAO reads from. With a database it is SQL; with `database = off` the declarative
 * snapshot implements the same interface (registered as the `entityReader` service), so the
 * Admin API's reads do not care where entities live.
 */
import type { Queryable } from '../datastore/index.js';
import type { Entity } from '../schema/index.js';
import { countRows, existingTables, pageRows, pageTagRows, selectRow, type EntityKey, type ForeignFilter, type Json, type RowQuery, type TagRow } from './sql.js';

export interface TagQuery {
  readonly size: number;
  /** Sort key (tag, entity_name, entity_id) of the last row of the previous page. */
  readonly after?: readonly [string, string, string];
  readonly tag?: string;
}

export interface EntityReader {
  /** null when absent. */
  select(entity: Entity, key: EntityKey): Promise<Json | null>;
  /** Rows ordered by primary key; `more` when another page follows. */
  page(entity: Entity, query: RowQuery): Promise<{ rows: Json[]; more: boolean }>;
  count(entity: Entity, foreign?: ForeignFilter): Promise<number>;
  /** Tag rows of every entity with a `tags` field, ordered by (tag, entity_name, entity_id). */
  pageTags(entities: readonly Entity[], query: TagQuery): Promise<{ rows: TagRow[]; more: boolean }>;
}

export class SqlEntityReader implements EntityReader {
  constructor(private readonly q: Queryable) {}

  select(entity: Entity, key: EntityKey): Promise<Json | null> {
    return selectRow(this.q, entity, key);
  }

  page(entity: Entity, query: RowQuery) {
    return pageRows(this.q, entity, query);
  }

  count(entity: Entity, foreign?: ForeignFilter) {
    return countRows(this.q, entity, foreign);
  }

  async pageTags(entities: readonly Entity[], query: TagQuery) {
    const present = await existingTables(this.q, entities.map((e) => e.table));
    return pageTagRows(this.q, entities.filter((e) => present.has(e.table)), query);
  }
}

/** DB-less before a snapshot is loaded: nothing exists yet. */
export const emptyReader: EntityReader = {
  select: async () => null,
  page: async () => ({ rows: [], more: false }),
  count: async () => 0,
  pageTags: async () => ({ rows: [], more: false }),
};

/** Resolves the reader on every call, so a snapshot reader registered later is picked up. */
export function lazyReader(resolve: () => EntityReader): EntityReader {
  return {
    select: (e, k) => resolve().select(e, k),
    page: (e, q) => resolve().page(e, q),
    count: (e, f) => resolve().count(e, f),
    pageTags: (es, q) => resolve().pageTags(es, q),
  };
}
