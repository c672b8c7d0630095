/**
 * The DAO's read seam for `database = off`: the same EntityReader the SQL reader implements,
 * answered from the rows of the snapshot in force. Indexes are built once per snapshot and
 * dropped with it, so Admin API reads cost a lookup, not a scan, on large configurations.
 */
import type { EntityReader, Json, TagQuery } from '../dao/index.js';
import type { EntityKey, ForeignFilter, TagRow } from '../dao/sql.js';
import type { Entity } from '../schema/index.js';

type Rows = Readonly<Record<string, readonly Json[]>>;

interface EntityView {
  /** Ordered by primary key (id), as PostgreSQL orders uuids (their hex text order). */
  sorted: Json[];
  byId: Map<string, Json>;
}

interface RowsView {
  entities: Map<string, EntityView>;
  tags?: TagRow[];
}

const views = new WeakMap<object, RowsView>();

function viewOf(rows: Rows): RowsView {
  let view = views.get(rows);
  if (!view) views.set(rows, (view = { entities: new Map() }));
  return view;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function entityView(rows: Rows, entity: Entity): EntityView {
  const view = viewOf(rows);
  let ev = view.entities.get(entity.name);
  if (!ev) {
    const pk = entity.primaryKey[0] ?? 'id';
    const sorted = [...(rows[entity.name] ?? [])].sort((a, b) => cmp(String(a[pk]), String(b[pk])));
    ev = { sorted, byId: new Map(sorted.map((r) => [String(r[pk]), r])) };
    view.entities.set(entity.name, ev);
  }
  return ev;
}

/** The Admin API may decorate what it returns; the snapshot's rows are frozen and shared. */
const copy = (row: Json): Json => structuredClone(row) as Json;

function foreignMatches(row: Json, foreign: ForeignFilter | undefined): boolean {
  if (!foreign) return true;
  const v = row[foreign.field];
  return typeof v === 'object' && v !== null && (v as Json).id === foreign.id;
}

function tagsMatch(row: Json, tags: readonly string[] | undefined, mode: 'and' | 'or' | undefined): boolean {
  if (!tags || tags.length === 0) return true;
  const own = Array.isArray(row.tags) ? (row.tags as string[]) : [];
  return mode === 'or' ? tags.some((t) => own.includes(t)) : tags.every((t) => own.includes(t));
}

function tagRows(rows: Rows, entities: readonly Entity[]): TagRow[] {
  const view = viewOf(rows);
  if (!view.tags) {
    const out: TagRow[] = [];
    for (const entity of entities) {
      if (!entity.fields.tags) continue;
      const pk = entity.primaryKey[0] ?? 'id';
      for (const row of rows[entity.name] ?? []) {
        if (!Array.isArray(row.tags)) continue;
        for (const tag of row.tags as string[]) out.push({ entity_name: entity.name, entity_id: String(row[pk]), tag });
      }
    }
    out.sort((a, b) => cmp(a.tag, b.tag) || cmp(a.entity_name, b.entity_name) || cmp(a.entity_id, b.entity_id));
    view.tags = out;
  }
  return view.tags;
}

/** An EntityReader over whatever rows `current()` returns at the time of each call. */
export function snapshotEntityReader(current: () => Rows): EntityReader {
  return {
    async select(entity: Entity, key: EntityKey) {
      const ev = entityView(current(), entity);
      if ('id' in key) {
        const row = ev.byId.get(key.id);
        return row ? copy(row) : null;
      }
      const found = ev.sorted.find((r) => r[key.field] === key.value);
      return found ? copy(found) : null;
    },
    async page(entity, query) {
      const ev = entityView(current(), entity);
      const pk = entity.primaryKey[0] ?? 'id';
      let start = 0;
      if (query.after !== undefined) {
        // First row whose key sorts after the previous page's last key (binary search).
        let lo = 0;
        let hi = ev.sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (String(ev.sorted[mid][pk]) <= query.after) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      const out: Json[] = [];
      for (let i = start; i < ev.sorted.length && out.length <= query.size; i++) {
        const row = ev.sorted[i];
        if (foreignMatches(row, query.foreign) && tagsMatch(row, query.tags, query.tagsMode)) out.push(row);
      }
      return { rows: out.slice(0, query.size).map(copy), more: out.length > query.size };
    },
    async count(entity, foreign) {
      const ev = entityView(current(), entity);
      return foreign ? ev.sorted.filter((r) => foreignMatches(r, foreign)).length : ev.sorted.length;
    },
    async pageTags(entities, query: TagQuery) {
      const all = tagRows(current(), entities);
      const after = query.after;
      const out: TagRow[] = [];
      for (const row of all) {
        if (query.tag !== undefined && row.tag !== query.tag) continue;
        if (after && (cmp(row.tag, after[0]) || cmp(row.entity_name, after[1]) || cmp(row.entity_id, after[2])) <= 0) continue;
        out.push(row);
        if (out.length > query.size) break;
      }
      return { rows: out.slice(0, query.size).map((r) => ({ ...r })), more: out.length > query.size };
    },
  };
}
