/**
 * Walks a document and hoists every item, nested or not, into one flat list: children
 * nested in a parent get the parent's key in their foreign field, items without an id get
 * Kong's deterministic one (parents before children, so a child's key can use its parent's id).
 */
import { randomUUID } from 'node:crypto';
import type { Entity } from '../schema/index.js';
import { declarativeId, type ParentRef } from './ids.js';
import { isPlainObject, type Document } from './document.js';
import type { ItemProblem, Segment, TopLevelProblem } from './errors.js';
import { declarativeEntities, nestedRelations } from './relations.js';

/** One entity item of the file, wherever it was written. */
export interface CollectedItem {
  readonly entity: Entity;
  readonly location: readonly Segment[];
  /** Working copy: no `_comment`/`_ignore`, no nested arrays, an id, the parent's key filled in. */
  readonly data: Record<string, unknown>;
  /** The foreign field filled from the enclosing parent, if nested (never a by-name reference). */
  readonly parentField?: string;
  /** As written, for error reports. */
  readonly input: Record<string, unknown>;
  problem?: ItemProblem;
}

export interface Collected {
  readonly items: CollectedItem[];
  readonly top: TopLevelProblem[];
  /** Problems of things that are not items at all (a string where a record belongs). */
  readonly orphans: ItemProblem[];
}

const META_KEYS = new Set(['_format_version', '_transform', '_comment', '_ignore']);

export function problemOf(item: CollectedItem): ItemProblem {
  item.problem ??= { location: item.location, entityName: item.entity.name, input: item.input, messages: [] };
  return item.problem;
}

function withoutNested(entity: Entity, raw: Record<string, unknown>, parentPk?: { id: string }, parentField?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const nested = new Set(nestedRelations(entity).map((r) => r.key));
  for (const [k, v] of Object.entries(raw)) if (!nested.has(k)) out[k] = v;
  // Kong's flattened errors show a nested child with its parent's key when the parent had a valid id.
  if (parentField && parentPk && out[parentField] === undefined) out[parentField] = parentPk;
  return out;
}

function collectSection(
  entity: Entity,
  list: unknown,
  location: readonly Segment[],
  out: Collected,
  parent?: { ref: ParentRef; inputId: unknown },
): void {
  if (!Array.isArray(list)) {
    if (location.length === 1) out.top.push({ key: String(location[0]), message: 'expected an array' });
    else out.orphans.push({ location: location.slice(0, -1), entityName: entity.name, input: null, fieldErrors: { [entity.name]: 'expected an array' }, messages: [] });
    return;
  }
  list.forEach((raw, index) => {
    const here = [...location, index];
    if (!isPlainObject(raw)) {
      out.orphans.push({ location: here, entityName: entity.name, input: raw, messages: ['expected a record'] });
      return;
    }
    const data: Record<string, unknown> = {};
    const children: { key: string; child: Entity; field: string; value: unknown }[] = [];
    const relations = nestedRelations(entity);
    for (const [k, v] of Object.entries(raw)) {
      if (k === '_comment' || k === '_ignore') continue;
      const rel = relations.find((r) => r.key === k);
      if (rel) children.push({ ...rel, value: v });
      else data[k] = v;
    }
    if (data.id === undefined) data.id = declarativeId(entity, data, parent?.ref) ?? randomUUID();
    if (parent) data[parent.ref.field] = { ...parent.ref.pk };
    const parentPkForReport = parent && typeof parent.inputId === 'string' ? { id: parent.inputId } : undefined;
    out.items.push({
      entity,
      location: here,
      data,
      parentField: parent?.ref.field,
      input: withoutNested(entity, raw, parentPkForReport, parent?.ref.field),
    });
    for (const c of children) {
      // certificates.snis: Admin API style plain names are accepted as `{name}` records.
      const value = Array.isArray(c.value) ? c.value.map((v) => (typeof v === 'string' && c.child.endpointKey ? { [c.child.endpointKey]: v } : v)) : c.value;
      collectSection(c.child, value, [...here, c.key], out, { ref: { pk: { id: String(data.id) }, field: c.field }, inputId: raw.id });
    }
  });
}

/** Hoists every item of the document; top-level keys that are not entities are reported. */
export function collectItems(doc: Document): Collected {
  const out: Collected = { items: [], top: [], orphans: [] };
  const known = new Set(declarativeEntities().map((e) => e.name));
  for (const key of Object.keys(doc)) {
    if (!META_KEYS.has(key) && !known.has(key)) out.top.push({ key, message: 'unknown field' });
  }
  // Dependency order, so every parent's id exists before a child nested in it is keyed.
  for (const entity of declarativeEntities()) {
    if (doc[entity.name] === undefined || doc[entity.name] === null) continue;
    collectSection(entity, doc[entity.name], [entity.name], out);
  }
  return out;
}
