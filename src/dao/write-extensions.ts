/**
 * Entity-specific DAO behaviour Kong puts in per-entity DAO classes (kong/db/dao/*.lua), kept
 * out of the generic CRUD: an extension reads its part of a write's input before validation,
 * finishes the write in the same transaction, and adds its fields to rows read back.
 */
import type { Queryable } from '../datastore/index.js';
import type { Operation } from '../schema/index.js';
import type { EntityChange } from './events.js';
import type { EntityReader } from './reader.js';
import type { Json } from './sql.js';

export interface WriteExtension<State = unknown> {
  /** Before validation; may throw Kong's error for its part of the input. */
  prepare(input: unknown, operation: Operation): State;
  /**
   * In the write's transaction, right after the row is stored: the fields to add to the row
   * returned, and the changes made to other entities (emitted after commit).
   */
  afterWrite(tx: Queryable, row: Json, state: State): Promise<{ fields: Json; changes: EntityChange[] }>;
  /** Adds the extension's fields to rows the Admin API reads. */
  decorate(reader: EntityReader, rows: Json[]): Promise<void>;
}

const extensions = new Map<string, WriteExtension<any>>();

export function registerWriteExtension(entityName: string, extension: WriteExtension<any>): void {
  extensions.set(entityName, extension);
}

export function writeExtensionOf(entityName: string): WriteExtension | undefined {
  return extensions.get(entityName);
}
