/**
 * The configuration last loaded in DB-less mode, kept in the prefix so a node restarted
 * without `declarative_config` serves what it served before (Kong keeps it in LMDB there).
 * Validated rows are stored, not the source text: ids Kong makes random (items with no key)
 * and timestamps stay the same across the restart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, GatewayError, errorMessage } from '../errors.js';
import type { DeclarativeRows } from './parse.js';

export interface PersistedDeclarative {
  readonly hash: string;
  readonly savedAt: number;
  readonly rows: DeclarativeRows;
}

export function declarativeStateFile(prefix: string): string {
  return join(prefix, 'dbless_config.json');
}

/** Temp file + rename: a crash mid-write never leaves half a configuration. */
export async function saveDeclarative(prefix: string, hash: string, rows: DeclarativeRows): Promise<void> {
  const file = declarativeStateFile(prefix);
  const tmp = `${file}.${process.pid}.tmp`;
  const body: PersistedDeclarative = { hash, savedAt: Date.now(), rows };
  await writeFile(tmp, JSON.stringify(body), { mode: 0o600 });
  await rename(tmp, file);
}

export function readSavedDeclarative(prefix: string): PersistedDeclarative | null {
  const file = declarativeStateFile(prefix);
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedDeclarative;
    if (!parsed || typeof parsed !== 'object' || typeof parsed.rows !== 'object' || parsed.rows === null) throw new Error('no rows');
    return parsed;
  } catch (err) {
    throw new GatewayError(ErrorCode.CONFIG, `${file} is not a valid saved configuration: ${errorMessage(err)}`, {
      hint: `delete ${file}, or start with declarative_config = <file> to replace it`,
    });
  }
}
