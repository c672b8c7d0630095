import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, GatewayError, errorMessage } from '../errors.js';
import type { EntityRows } from './types.js';

export interface PersistedSnapshot {
  version: string;
  savedAt: number;
  rows: EntityRows;
}

export function snapshotFile(prefix: string): string {
  return join(prefix, 'snapshot.json');
}

/** Writes atomically (temp file + rename) so a crash mid-write never leaves half a snapshot. */
export async function persistSnapshot(prefix: string, version: string, rows: EntityRows): Promise<void> {
  const file = snapshotFile(prefix);
  const tmp = `${file}.${process.pid}.tmp`;
  const body: PersistedSnapshot = { version, savedAt: Date.now(), rows };
  await writeFile(tmp, JSON.stringify(body), { mode: 0o600 });
  await rename(tmp, file);
}

export function persistSnapshotSync(prefix: string, version: string, rows: EntityRows): void {
  const file = snapshotFile(prefix);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version, savedAt: Date.now(), rows }), { mode: 0o600 });
  renameSync(tmp, file);
}

/** The last good snapshot, or null when none was saved. A damaged file is an error naming it. */
export function readPersistedSnapshot(prefix: string): PersistedSnapshot | null {
  const file = snapshotFile(prefix);
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedSnapshot;
    if (!parsed || typeof parsed !== 'object' || typeof parsed.rows !== 'object') throw new Error('no rows');
    return parsed;
  } catch (err) {
    throw new GatewayError(ErrorCode.CONFIG, `${file} is not a valid snapshot: ${errorMessage(err)}`, {
      hint: `delete ${file}; it is rewritten from the datastore at the next successful start`,
    });
  }
}
