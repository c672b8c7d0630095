/**
 * Generic CRUD over any registered entity, following Kong's DAO (kong/db/dao/init.lua):
 * foreign keys resolved by endpoint key, validation by the schema module, every write in one
 * transaction, database errors turned into Kong's errors, and one change event per committed
 * row. With `database = off` reads go to the snapshot reader and writes answer 405 (after
 * validation, as Kong validates before its off strategy refuses).
 */
import type { Datastore, Queryable } from '../datastore/index.js';
import { getEntity, isUuid, listEntities, lookupEntity, referencesTo, validateEntity, validateField, type Entity } from '../schema/index.js';
import { primaryKeyColumn } from './columns.js';
import { translateDbError } from './db-errors.js';
import { EntityEvents, type EntityChange } from './events.js';
import { assertStorable } from './guards.js';
import { kongErrors } from './kong-errors.js';
import { keyObject } from './keys.js';
import { decodeOffset, encodeOffset } from './offset.js';
import { SqlEntityReader, emptyReader, type EntityReader } from './reader.js';
import {
  deleteExpiredRows, deleteRow, existingTables, insertRow, isIdKey, rowsReferencing, selectRow, updateRow, upsertRow,
  type EntityKey, type ForeignFilter, type Json, type TagRow,
} from './sql.js';
import { writeExtensionOf, type WriteExtension } from './write-extensions.js';
import './certificate-snis.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface PageOptions {
  /** 1..1000, default 100. */
  size?: number;
  /** The opaque `offset` of the previous page. */
  offset?: string;
  tags?: readonly string[];
  tagsMode?: 'and' | 'or';
  foreign?: ForeignFilter;
}

export interface Page<T = Json> {
  data: T[];
  /** Present when another page follows. */
  offset: string | null;
}

export interface DaoOptions {
  /** null with `database = off`: writes are refused with Kong's code 12. */
  datastore: Datastore | null;
  /** Where reads go; defaults to SQL on the datastore (or nothing when there is none). */
  reader?: EntityReader;
  events?: EntityEvents;
}

type EntityRef = Entity | string;

/** See Dao.addWriteCheck. `candidate`: the input, laid over the stored entity for an update. */
export type WriteCheck = (entity: Entity, candidate: Json) => void;

/**
 * The row as stored: an entity with Kong's `ttl` keeps the expiry time, not the seconds. A
 * PATCH that does not mention `ttl` leaves the stored expiry alone (undefined).
 */
function withExpiry(entity: Entity, data: Json, input: unknown, operation: 'insert' | 'update' | 'upsert'): Json {
  if (!entity.ttl) return data;
  const given = isPlainObject(input) && Object.prototype.hasOwnProperty.call(input, 'ttl');
  const ttl = given ? data.ttl : undefined;
  let expiry: string | null | undefined;
  if (typeof ttl === 'number') expiry = new Date(Date.now() + ttl * 1000).toISOString();
  else if (given || operation !== 'update') expiry = null;
  return { ...data, ttl: expiry };
}

function entityOf(ref: EntityRef): Entity {
  return typeof ref === 'string' ? getEntity(ref) : ref;
}

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Kong's tag filter rule (validate_options_value in kong/db/dao/init.lua). */
function tagOptionErrors(entity: Entity, tags: readonly string[]): Record<string, string> | undefined {
  if (!entity.fields.tags) return { tags: `cannot be used with '${entity.name}'` };
  if (tags.length > 5) return { tags: 'cannot query more than 5 tags' };
  if (!/^[A-Za-z0-9._~-]+$/.test(tags.join(''))) return { tags: "must only contain alphanumeric and '., -, _, ~' characters" };
  return undefined;
}

export class Dao {
  readonly events: EntityEvents;
  readonly reader: EntityReader;
  private readonly datastore: Datastore | null;
  private readonly writeChecks = new Set<WriteCheck>();

  constructor(options: DaoOptions) {
    this.datastore = options.datastore;
    this.reader = options.reader ?? (options.datastore ? new SqlEntityReader(options.datastore) : emptyReader);
    this.events = options.events ?? new EntityEvents();
  }

  /** The entity, or null. Invalid keys find nothing. */
  async select(ref: EntityRef, key: EntityKey): Promise<Json | null> {
    const entity = entityOf(ref);
    if (isIdKey(key) && !isUuid(key.id)) throw kongErrors.invalidPrimaryKey({ [entity.primaryKey[0]]: 'expected a valid UUID' });
    return this.reader.select(entity, key);
  }

  /** As `select`, with the fields Kong's entity DAO adds for the Admin API (certificates' `snis`). */
  async selectWithExtras(ref: EntityRef, key: EntityKey): Promise<Json | null> {
    const entity = entityOf(ref);
    const row = await this.select(entity, key);
    if (row) await writeExtensionOf(entity.name)?.decorate(this.reader, [row]);
    return row;
  }

  /**
   * A rule of this node run before every write is validated (e.g. only the plugins the
   * `plugins` setting loads); it throws the error to answer. Returns the function removing it.
   */
  addWriteCheck(check: WriteCheck): () => void {
    this.writeChecks.add(check);
    return () => this.writeChecks.delete(check);
  }

  async page(ref: EntityRef, options: PageOptions = {}): Promise<Page> {
    const entity = entityOf(ref);
    const size = options.size ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw kongErrors.invalidSize(`size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
    }
    if (options.tags) {
      const errors = tagOptionErrors(entity, options.tags);
      if (errors) throw kongErrors.invalidOptions(errors);
    }
    let after: string | undefined;
    if (options.offset !== undefined) {
      [after] = decodeOffset(options.offset, 1);
      if (!isUuid(after)) throw kongErrors.invalidOffset(JSON.stringify([after]), 'bad json encoding');
    }
    const { rows, more } = await this.reader.page(entity, { size, after, tags: options.tags, tagsMode: options.tagsMode, foreign: options.foreign });
    await writeExtensionOf(entity.name)?.decorate(this.reader, rows);
    const pk = primaryKeyColumn(entity).field;
    return { data: rows, offset: more && rows.length > 0 ? encodeOffset([String(rows[rows.length - 1][pk])]) : null };
  }

  /** The children of one parent: `selectByForeign('routes', 'service', serviceId)`. */
  selectByForeign(ref: EntityRef, field: string, parentId: string, options: Omit<PageOptions, 'foreign'> = {}): Promise<Page> {
    return this.page(ref, { ...options, foreign: { field, id: parentId } });
  }

  count(ref: EntityRef, foreign?: ForeignFilter): Promise<number> {
    return this.reader.count(entityOf(ref), foreign);
  }

  /** `/tags` and `/tags/{tag}`: rows `{ entity_name, entity_id, tag }` over every tagged entity. */
  async pageTags(options: { size?: number; offset?: string; tag?: string } = {}): Promise<Page<TagRow>> {
    const size = options.size ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw kongErrors.invalidSize(`size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
    }
    const after = options.offset !== undefined ? (decodeOffset(options.offset, 3) as [string, string, string]) : undefined;
    const tagged = listEntities().filter((e) => e.fields.tags);
    const { rows, more } = await this.reader.pageTags(tagged, { size, after, tag: options.tag });
    const last = rows[rows.length - 1];
    return { data: rows, offset: more && last ? encodeOffset([last.tag, last.entity_name, last.entity_id]) : null };
  }

  async insert(ref: EntityRef, input: unknown): Promise<Json> {
    const entity = entityOf(ref);
    const extension = writeExtensionOf(entity.name);
    const extra = extension?.prepare(input, 'insert');
    this.runWriteChecks(entity, input);
    const resolved = await this.resolveForeign(entity, input, this.reader);
    const data = validateEntity(entity, resolved, { operation: 'insert' });
    assertStorable(entity, data);
    const store = this.writable(entity, 'create');
    const stored = withExpiry(entity, data, input, 'insert');
    let result: { row: Json; changes: EntityChange[] };
    try {
      result = await store.transaction(async (tx) => {
        const changes = await this.purgeExpired(tx, entity);
        const row = await insertRow(tx, entity, stored);
        if (extension) changes.push(...(await this.extend(tx, extension, row, extra)));
        return { row, changes };
      });
    } catch (err) {
      throw translateDbError(err, entity, data);
    }
    this.emit({ entity: entity.name, op: 'create', id: this.idOf(entity, result.row), row: result.row });
    for (const change of result.changes) this.emit(change);
    return result.row;
  }

  /** PATCH: merged onto the stored entity and validated whole; not found is Kong's code 6. */
  async update(ref: EntityRef, key: EntityKey, input: unknown): Promise<Json> {
    const entity = entityOf(ref);
    const extension = writeExtensionOf(entity.name);
    const extra = extension?.prepare(input, 'update');
    if (!isPlainObject(input)) validateEntity(entity, input, { operation: 'update' });
    if (!this.datastore) {
      const existing = await this.requireExisting(entity, key, (k) => this.reader.select(entity, k));
      this.runWriteChecks(entity, { ...existing, ...(input as Json) });
      const resolved = await this.resolveForeign(entity, input, this.reader);
      validateEntity(entity, resolved, { operation: 'update', existing });
      throw this.unsupported(entity, 'update', key);
    }
    let data: Json = isPlainObject(input) ? input : {};
    let result: { row: Json; old: Json; changes: EntityChange[] };
    try {
      result = await this.datastore.transaction(async (tx) => {
        const old = await this.requireExisting(entity, key, (k) => selectRow(tx, entity, k, true));
        this.runWriteChecks(entity, { ...old, ...(input as Json) });
        const resolved = await this.resolveForeign(entity, input, new SqlEntityReader(tx));
        data = validateEntity(entity, resolved, { operation: 'update', existing: old });
        assertStorable(entity, data);
        const row = await updateRow(tx, entity, this.idOf(entity, old), withExpiry(entity, data, input, 'update'));
        if (!row) throw kongErrors.notFound(keyObject(entity, key));
        const changes = extension ? await this.extend(tx, extension, row, extra) : [];
        return { row, old, changes };
      });
    } catch (err) {
      throw translateDbError(err, entity, data);
    }
    this.emit({ entity: entity.name, op: 'update', id: this.idOf(entity, result.row), row: result.row, old: result.old });
    for (const change of result.changes) this.emit(change);
    return result.row;
  }

  /** PUT: full replacement (absent fields back to defaults); the key in the URL wins over the body. */
  async upsert(ref: EntityRef, key: EntityKey, input: unknown): Promise<Json> {
    const entity = entityOf(ref);
    const extension = writeExtensionOf(entity.name);
    const extra = extension?.prepare(input, 'upsert');
    if (!isPlainObject(input)) validateEntity(entity, input, { operation: 'upsert' });
    const pk = entity.primaryKey[0];
    const withKey: Json = { ...(input as Json) };
    if (isIdKey(key)) withKey[pk] = key.id;
    else withKey[key.field] = key.value;
    this.runWriteChecks(entity, withKey);
    if (!this.datastore) {
      const existing = await this.reader.select(entity, key);
      if (existing) withKey[pk] = existing[pk];
      const resolved = await this.resolveForeign(entity, withKey, this.reader);
      validateEntity(entity, resolved, { operation: 'upsert', existing });
      throw this.unsupported(entity, 'create or update', key);
    }
    let data: Json = withKey;
    let result: { row: Json; old: Json | null; changes: EntityChange[] };
    try {
      result = await this.datastore.transaction(async (tx) => {
        const changes = await this.purgeExpired(tx, entity);
        const old = await selectRow(tx, entity, key, true);
        if (old) withKey[pk] = old[pk];
        const resolved = await this.resolveForeign(entity, withKey, new SqlEntityReader(tx));
        data = validateEntity(entity, resolved, { operation: 'upsert', existing: old });
        assertStorable(entity, data);
        const row = await upsertRow(tx, entity, withExpiry(entity, data, input, 'upsert'));
        if (extension) changes.push(...(await this.extend(tx, extension, row, extra)));
        return { row, old, changes };
      });
    } catch (err) {
      throw translateDbError(err, entity, data);
    }
    const id = this.idOf(entity, result.row);
    this.emit(result.old
      ? { entity: entity.name, op: 'update', id, row: result.row, old: result.old }
      : { entity: entity.name, op: 'create', id, row: result.row });
    for (const change of result.changes) this.emit(change);
    return result.row;
  }

  /** Resolves to false when there was nothing to delete (Kong answers 204 either way). */
  async delete(ref: EntityRef, key: EntityKey): Promise<boolean> {
    const entity = entityOf(ref);
    if (!this.datastore) {
      if (!(await this.reader.select(entity, key))) return false;
      throw this.unsupported(entity, 'remove', key);
    }
    let result: { old: Json; cascaded: EntityChange[] } | null;
    try {
      result = await this.datastore.transaction(async (tx) => {
        const old = await selectRow(tx, entity, key, true);
        if (!old) return null;
        const id = this.idOf(entity, old);
        await this.assertNotReferenced(tx, entity, id);
        const cascaded = await this.cascadedRows(tx, entity, id, new Set([`${entity.name}:${id}`]));
        // Deepest first, so the result is the same with or without ON DELETE CASCADE constraints.
        for (const change of [...cascaded].reverse()) await deleteRow(tx, getEntity(change.entity), change.id);
        await deleteRow(tx, entity, id);
        return { old, cascaded };
      });
    } catch (err) {
      throw translateDbError(err, entity);
    }
    if (!result) return false;
    this.emit({ entity: entity.name, op: 'delete', id: this.idOf(entity, result.old), old: result.old });
    for (const change of result.cascaded) this.emit(change);
    return true;
  }

  private emit(change: EntityChange): void {
    this.events.emit(change);
  }

  private runWriteChecks(entity: Entity, candidate: unknown): void {
    if (!isPlainObject(candidate)) return;
    for (const check of this.writeChecks) check(entity, candidate);
  }

  /** Runs an entity's extension in the write's transaction; its fields join the returned row. */
  private async extend(tx: Queryable, extension: WriteExtension, row: Json, state: unknown): Promise<EntityChange[]> {
    const { fields, changes } = await extension.afterWrite(tx, row, state);
    Object.assign(row, fields);
    return changes;
  }

  /**
   * Expired rows still hold their unique keys until removed; Kong's cleanup removes them, here
   * a write to the same table does, so a key whose ttl passed can be created again.
   */
  private async purgeExpired(tx: Queryable, entity: Entity): Promise<EntityChange[]> {
    const gone = await deleteExpiredRows(tx, entity);
    return gone.map((old) => ({ entity: entity.name, op: 'delete' as const, id: this.idOf(entity, old), old }));
  }

  private idOf(entity: Entity, row: Json): string {
    return String(row[entity.primaryKey[0]]);
  }

  private writable(entity: Entity, operation: string, key?: EntityKey): Datastore {
    if (!this.datastore) throw this.unsupported(entity, operation, key);
    return this.datastore;
  }

  private unsupported(entity: Entity, operation: string, key?: EntityKey) {
    const by = key && !isIdKey(key) ? ` by '${key.field}'` : '';
    return kongErrors.operationUnsupported(`cannot ${operation} '${entity.name}' entities${by} when not using a database`);
  }

  private async requireExisting(entity: Entity, key: EntityKey, select: (k: EntityKey) => Promise<Json | null>): Promise<Json> {
    if (isIdKey(key) && !isUuid(key.id)) throw kongErrors.invalidPrimaryKey({ [entity.primaryKey[0]]: 'expected a valid UUID' });
    const existing = await select(key);
    if (existing) return existing;
    throw isIdKey(key) ? kongErrors.notFound(keyObject(entity, key)) : kongErrors.notFoundByField(keyObject(entity, key));
  }

  /**
   * Kong's resolve_foreign: `{ "service": { "name": "svc" } }` becomes `{ id }` by looking the
   * parent up through its unique fields; a lookup that finds nothing is code 13.
   */
  private async resolveForeign(entity: Entity, input: unknown, reader: EntityReader): Promise<unknown> {
    if (!isPlainObject(input)) return input;
    let out: Json | undefined;
    const unresolved: Record<string, Record<string, { value: unknown; parent: string }>> = {};
    for (const fk of entity.foreignKeys) {
      const value = input[fk.field];
      if (!isPlainObject(value) || isUuid(value.id)) continue;
      const parent = lookupEntity(fk.reference);
      if (!parent) continue;
      const failures: Record<string, { value: unknown; parent: string }> = {};
      let found: Json | null = null;
      for (const [name, field] of Object.entries(parent.fields)) {
        if (!(field.unique || parent.endpointKey === name)) continue;
        const candidate = value[name];
        if (candidate === null || candidate === undefined || validateField(field, candidate) !== undefined) continue;
        found = await reader.select(parent, { field: name, value: candidate });
        if (found) break;
        failures[name] = { value: candidate, parent: parent.name };
      }
      if (found) {
        out ??= { ...input };
        out[fk.field] = { [parent.primaryKey[0]]: found[parent.primaryKey[0]] };
      } else if (Object.keys(failures).length > 0) {
        unresolved[fk.field] = failures;
      }
    }
    if (Object.keys(unresolved).length > 0) throw kongErrors.foreignKeysUnresolved(unresolved);
    return out ?? input;
  }

  /**
   * Restricted references are checked here as well as by the database: a table created before
   * its parent entity was registered has no foreign key constraint to do it.
   */
  private async assertNotReferenced(tx: Queryable, entity: Entity, id: string): Promise<void> {
    const refs = referencesTo(entity.name).filter((r) => r.foreignKey.onDelete !== 'cascade');
    if (refs.length === 0) return;
    const present = await existingTables(tx, refs.map((r) => r.entity.table));
    for (const { entity: child, foreignKey } of refs) {
      if (!present.has(child.table)) continue;
      const r = await tx.query(`SELECT 1 FROM "${child.table.replace(/"/g, '""')}" WHERE "${foreignKey.column.replace(/"/g, '""')}" = $1 LIMIT 1`, [id]);
      if (r.rows.length > 0) throw kongErrors.foreignKeyRestricted(entity.name, child.name);
    }
  }

  /** Rows the database will delete with this one (ON DELETE CASCADE), for their events. */
  private async cascadedRows(tx: Queryable, entity: Entity, id: string, seen: Set<string>): Promise<EntityChange[]> {
    const refs = referencesTo(entity.name).filter((r) => r.foreignKey.onDelete === 'cascade');
    if (refs.length === 0) return [];
    const present = await existingTables(tx, refs.map((r) => r.entity.table));
    const changes: EntityChange[] = [];
    for (const { entity: child, foreignKey } of refs) {
      if (!present.has(child.table)) continue;
      for (const row of await rowsReferencing(tx, child, foreignKey.field, id)) {
        const childId = this.idOf(child, row);
        if (seen.has(`${child.name}:${childId}`)) continue;
        seen.add(`${child.name}:${childId}`);
        await this.assertNotReferenced(tx, child, childId);
        changes.push({ entity: child.name, op: 'delete', id: childId, old: row });
        changes.push(...(await this.cascadedRows(tx, child, childId, seen)));
      }
    }
    return changes;
  }
}
