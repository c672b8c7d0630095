/**
 * Kong's certificates DAO (kong/db/dao/certificates.lua, snis.lua): the transient `snis` field
 * of a certificate stands for its snis rows. A write that carries it replaces those rows in the
 * certificate's transaction (new names inserted, missing ones deleted); every certificate the
 * DAO returns or lists carries its names, sorted.
 */
import type { Queryable } from '../datastore/index.js';
import { getEntity, schemaViolation, validateEntity, type Operation } from '../schema/index.js';
import { translateDbError } from './db-errors.js';
import type { EntityChange } from './events.js';
import type { EntityReader } from './reader.js';
import { deleteRow, insertRow, rowsReferencing, selectRow, type Json } from './sql.js';
import { registerWriteExtension, type WriteExtension } from './write-extensions.js';

/** The names to store, or undefined to keep the stored ones (a PATCH or POST without `snis`). */
type SniRequest = string[] | undefined;

/** Lua's table.sort on strings: byte order, which is code-unit order for hostnames. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const snisEntity = () => getEntity('snis');

function requested(input: unknown, operation: Operation): SniRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const raw = (input as Json).snis;
  // A PUT replaces the whole certificate: no `snis` means none (Kong's endpoint sends null).
  if (raw === undefined) return operation === 'upsert' ? [] : undefined;
  if (raw === null) return [];
  // Anything but a list is the schema's to reject (`snis: expected an array`).
  if (!Array.isArray(raw)) return undefined;
  const seen = new Set<unknown>();
  for (const name of raw) {
    if (seen.has(name)) throw schemaViolation({ snis: `${String(name)} is duplicated` });
    seen.add(name);
  }
  return raw.filter((n): n is string => typeof n === 'string').sort(byName);
}

async function storedNames(tx: Queryable, certificateId: string): Promise<Json[]> {
  return rowsReferencing(tx, snisEntity(), 'certificate', certificateId);
}

/** Kong refuses a name another certificate already serves, before changing anything. */
async function assertFree(tx: Queryable, names: readonly string[], certificateId: string): Promise<void> {
  for (const name of names) {
    const row = await selectRow(tx, snisEntity(), { field: 'name', value: name });
    const owner = (row?.certificate as Json | null | undefined)?.id;
    if (row && owner !== certificateId) {
      throw schemaViolation({ snis: `${name} already associated with existing certificate '${String(owner)}'` });
    }
  }
}

async function replaceSnis(tx: Queryable, certificateId: string, names: readonly string[]): Promise<EntityChange[]> {
  const entity = snisEntity();
  await assertFree(tx, names, certificateId);
  const current = await storedNames(tx, certificateId);
  const currentNames = new Set(current.map((r) => r.name));
  const wanted = new Set(names);
  const changes: EntityChange[] = [];
  for (const name of names) {
    if (currentNames.has(name)) continue;
    const data = validateEntity(entity, { name, certificate: { id: certificateId } }, { operation: 'insert' });
    let row: Json;
    try {
      row = await insertRow(tx, entity, data);
    } catch (err) {
      throw translateDbError(err, entity, data);
    }
    changes.push({ entity: entity.name, op: 'create', id: String(row.id), row });
  }
  for (const old of current) {
    if (wanted.has(old.name as string)) continue;
    await deleteRow(tx, entity, String(old.id));
    changes.push({ entity: entity.name, op: 'delete', id: String(old.id), old });
  }
  return changes;
}

/** Every name of one certificate, through whatever reader serves the Admin API. */
async function namesFrom(reader: EntityReader, certificateId: string): Promise<string[]> {
  const names: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await reader.page(snisEntity(), { size: 1000, after, foreign: { field: 'certificate', id: certificateId } });
    for (const row of page.rows) names.push(String(row.name));
    if (!page.more || page.rows.length === 0) break;
    after = String(page.rows[page.rows.length - 1].id);
  }
  return names.sort(byName);
}

export const certificateSnis: WriteExtension<SniRequest> = {
  prepare: requested,
  async afterWrite(tx, row, names) {
    const id = String(row.id);
    if (names === undefined) {
      const stored = (await storedNames(tx, id)).map((r) => String(r.name)).sort(byName);
      return { fields: { snis: stored }, changes: [] };
    }
    return { fields: { snis: [...names] }, changes: await replaceSnis(tx, id, names) };
  },
  async decorate(reader, rows) {
    for (const row of rows) row.snis = await namesFrom(reader, String(row.id));
  },
};

registerWriteExtension('certificates', certificateSnis);
