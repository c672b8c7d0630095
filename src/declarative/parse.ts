/**
 * A declarative configuration (text or object) to validated rows, `{ [entity]: rows[] }` in
 * Admin API shape (foreign keys as `{id}`), ready for the snapshot and for a DB import.
 * Every problem of the file is collected before failing, each with its place in the file.
 */
import { createHash } from 'node:crypto';
import { isGatewayError, errorMessage, type FieldErrors } from '../errors.js';
import { getPluginSchema, validateEntity, type Entity } from '../schema/index.js';
import { collectItems, problemOf, type CollectedItem } from './collect.js';
import { isPlainObject, parseDocumentText, type Document } from './document.js';
import { buildErrorTree, declarativeError, type ItemProblem, type TopLevelProblem } from './errors.js';
import { migrateDocument } from './migrate.js';
import { indexItems, resolveReferences, uniquenessMessage } from './references.js';
import { declarativeEntities } from './relations.js';

export type Row = Record<string, unknown>;
export type DeclarativeRows = Record<string, Row[]>;

export const FORMAT_VERSIONS = ['1.1', '2.1', '3.0'] as const;

export interface ParseOptions {
  /** Plugins this node may run (the `plugins` setting); others are Kong's `not enabled` error. Default: every registered plugin. */
  availablePlugins?: ReadonlySet<string> | readonly string[];
  /** Clock for created_at/updated_at of items that have none (epoch ms). */
  now?: number;
}

export interface DeclarativeMeta {
  /** The version the file declared (before migration to 3.0). */
  readonly formatVersion: string;
  readonly transform: boolean;
}

export interface DeclarativeConfig {
  /** Every registered entity, in dependency order; absent sections are empty arrays. */
  readonly rows: DeclarativeRows;
  readonly meta: DeclarativeMeta;
  /** md5 of the input (raw text, or the JSON of an object): what `check_hash` compares. */
  readonly hash: string;
}

function topLevelProblems(doc: Document): TopLevelProblem[] {
  const out: TopLevelProblem[] = [];
  const v = doc._format_version;
  if (v === undefined || v === null) out.push({ key: '_format_version', message: 'required field missing' });
  else if (typeof v !== 'string') out.push({ key: '_format_version', message: 'expected a string' });
  else if (!(FORMAT_VERSIONS as readonly string[]).includes(v)) out.push({ key: '_format_version', message: `expected one of: ${FORMAT_VERSIONS.join(', ')}` });
  if (doc._transform !== undefined && typeof doc._transform !== 'boolean') out.push({ key: '_transform', message: 'expected a boolean' });
  if (doc._comment !== undefined && typeof doc._comment !== 'string') out.push({ key: '_comment', message: 'expected a string' });
  if (doc._ignore !== undefined && !Array.isArray(doc._ignore)) out.push({ key: '_ignore', message: 'expected an array' });
  return out;
}

/** With `_transform: false` values are taken as stored (hashed passwords stay as they are). */
const untransformed = new Map<string, Entity>();
function entityFor(entity: Entity, transform: boolean): Entity {
  if (transform || !entity.normalizeInput) return entity;
  let e = untransformed.get(entity.name);
  if (!e || e.fields !== entity.fields) {
    e = { ...entity, normalizeInput: undefined };
    untransformed.set(entity.name, e);
  }
  return e;
}

function pluginNotEnabled(item: CollectedItem, available: ReadonlySet<string> | undefined): string | undefined {
  if (item.entity.name !== 'plugins' || typeof item.data.name !== 'string') return undefined;
  const name = item.data.name;
  if (getPluginSchema(name) && (!available || available.has(name))) return undefined;
  return `plugin '${name}' not enabled; add it to the 'plugins' configuration property`;
}

function validateItem(item: CollectedItem, transform: boolean, now: number, available: ReadonlySet<string> | undefined): Row | null {
  const notEnabled = pluginNotEnabled(item, available);
  if (notEnabled) {
    problemOf(item).fieldErrors = { name: notEnabled };
    return null;
  }
  try {
    const row = validateEntity(entityFor(item.entity, transform), item.data, { operation: 'insert', now, transform });
    // Kong stamps updated_at on every insert; a file that carries one (a db_export) keeps it, so export → import → export is byte-stable.
    if (typeof item.data.updated_at === 'number' && 'updated_at' in row) row.updated_at = item.data.updated_at;
    for (const f of item.entity.transientFields) delete row[f];
    return row;
  } catch (err) {
    if (isGatewayError(err) && err.fields) problemOf(item).fieldErrors = err.fields as FieldErrors;
    else problemOf(item).messages.push(isGatewayError(err) ? err.message : errorMessage(err));
    return null;
  }
}

/** Unique fields other than the id and endpoint key (custom_id, instance_name, key, ...), across the file. */
function checkUniqueFields(items: readonly CollectedItem[], rows: Map<CollectedItem, Row>): void {
  const seen = new Map<string, Set<string>>();
  for (const item of items) {
    const row = rows.get(item);
    if (!row) continue;
    for (const field of item.entity.uniqueFields) {
      if (field === 'id' || field === item.entity.endpointKey) continue;
      const value = row[field];
      if (value === null || value === undefined) continue;
      const key = `${item.entity.name}\0${field}`;
      let set = seen.get(key);
      if (!set) seen.set(key, (set = new Set()));
      const v = typeof value === 'object' ? String((value as Row).id) : String(value);
      if (set.has(v)) problemOf(item).messages.push(uniquenessMessage(item.entity.name, field, v));
      else set.add(v);
    }
  }
}

/** md5 of the input as given (raw text, or the JSON of an object): Kong's hash for `check_hash`. */
export function inputHash(input: string | Document): string {
  return createHash('md5').update(typeof input === 'string' ? input : JSON.stringify(input)).digest('hex');
}

function toDocument(input: string | Document): { doc: Document; hash: string } {
  if (typeof input === 'string') return { doc: parseDocumentText(input), hash: inputHash(input) };
  if (!isPlainObject(input)) return { doc: parseDocumentText('[]'), hash: '' };
  return { doc: structuredClone(input), hash: inputHash(input) };
}

/**
 * Parses, migrates and validates a declarative configuration. Throws GatewayError code 14
 * (`declarative config is invalid: ...`) listing every problem; `declarativeProblems(err)`
 * gives them with their locations.
 */
export function parseDeclarative(input: string | Document, options: ParseOptions = {}): DeclarativeConfig {
  const { doc, hash } = toDocument(input);
  const available = options.availablePlugins ? new Set(options.availablePlugins) : undefined;
  const now = options.now ?? Date.now();
  const top = topLevelProblems(doc);
  const formatVersion = typeof doc._format_version === 'string' ? doc._format_version : '3.0';
  const transform = doc._transform !== false;
  migrateDocument(doc);

  const collected = collectItems(doc);
  top.push(...collected.top);
  const index = indexItems(collected.items);
  resolveReferences(collected.items, index);

  const rows = new Map<CollectedItem, Row>();
  for (const item of collected.items) {
    const row = validateItem(item, transform, now, available);
    if (row) rows.set(item, row);
  }
  checkUniqueFields(collected.items, rows);

  const problems: ItemProblem[] = [...collected.orphans];
  for (const item of collected.items) if (item.problem) problems.push(item.problem);
  if (problems.length > 0 || top.length > 0) throw declarativeError(buildErrorTree(problems, top), problems, top);

  const out: DeclarativeRows = {};
  for (const entity of declarativeEntities()) out[entity.name] = [];
  for (const item of collected.items) out[item.entity.name].push(rows.get(item)!);
  return { rows: out, meta: { formatVersion, transform }, hash };
}

