/**
 * DB-less mode (`database = off`): the node's configuration comes from a declarative file,
 * `declarative_config_string`, or the configuration saved in the prefix, and is replaced as a
 * whole through `POST /config`. Each load is validated and compiled into a new snapshot
 * before the swap, so the proxy serves either the old configuration or the new one, never a mix.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/index.js';
import { ErrorCode, GatewayError, errorMessage } from '../errors.js';
import type { GatewayContext } from '../gateway/context.js';
import { getService } from '../gateway/context.js';
import type { Logger } from '../log.js';
import { resolveAvailable, type PluginRegistry } from '../plugins/registry.js';
import { EMPTY_CONFIG_HASH } from '../snapshot/hash.js';
import type { SnapshotManager } from '../snapshot/manager.js';
import type { EntityRows } from '../snapshot/types.js';
import type { Document } from './document.js';
import { declarativeProblems, errorLines } from './errors.js';
import { parseDeclarative, type DeclarativeConfig, type DeclarativeRows } from './parse.js';
import { readSavedDeclarative, saveDeclarative } from './persist.js';

export interface DeclarativeState {
  /** md5 of the input last loaded (what `?check_hash=1` compares); null before any load. */
  hash(): string | null;
  /** Whether a load is between validation and its saved copy (Kong answers 429 meanwhile). */
  busy(): boolean;
  /** Parses and validates without applying (throws GatewayError code 14). */
  parse(input: string | Document): DeclarativeConfig;
  /** Validates, compiles and swaps in the whole configuration; then saves it in the prefix. */
  load(input: string | Document): Promise<DeclarativeConfig>;
  /** The rows in force. */
  rows(): EntityRows;
}

export function availablePluginNames(ctx: Pick<GatewayContext, 'config' | 'services'>): string[] {
  const registry = getService<PluginRegistry>(ctx as GatewayContext, 'plugins');
  return registry ? registry.available() : resolveAvailable(ctx.config.plugins as readonly string[]);
}

/** The configuration a DB-less node starts with, and where it came from (for the log). */
export function initialDeclarative(config: Config, available: readonly string[]): { config: DeclarativeConfig | null; rows: DeclarativeRows | null; hash: string | null; source: string } {
  const inline = config.declarative_config_string as string | null | undefined;
  if (inline) return { ...fromInput(inline, available), source: 'declarative_config_string' };
  const file = config.declarative_config as string | null | undefined;
  if (file) {
    const path = resolve(file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new GatewayError(ErrorCode.CONFIG, `declarative_config: cannot read ${path}: ${errorMessage(err)}`, {
        hint: 'point declarative_config at a readable YAML or JSON file, or unset it to start empty',
      });
    }
    return { ...fromInput(text, available, path), source: path };
  }
  const saved = readSavedDeclarative(config.prefix);
  if (saved) return { config: null, rows: saved.rows, hash: saved.hash, source: 'the configuration saved in the prefix' };
  return { config: null, rows: null, hash: null, source: 'nothing (empty configuration)' };
}

function fromInput(text: string, available: readonly string[], path?: string) {
  try {
    const parsed = parseDeclarative(text, { availablePlugins: available });
    return { config: parsed, rows: parsed.rows, hash: parsed.hash };
  } catch (err) {
    if (err instanceof GatewayError && err.code === ErrorCode.DECLARATIVE_CONFIG) {
      // One line for the start failure: how many errors and the first one with its place in the file.
      const { items, top } = declarativeProblems(err);
      const lines = errorLines(items, top);
      const first = lines[0] ?? (typeof err.fields?.error === 'string' ? err.fields.error : err.message);
      const count = lines.length > 1 ? ` (${lines.length} errors; first: ${first})` : `: ${first}`;
      throw new GatewayError(ErrorCode.DECLARATIVE_CONFIG, `${path ? `declarative_config ${path} is invalid` : 'declarative_config_string is invalid'}${count}`, {
        fields: err.fields,
        hint: `run 'silverback config parse ${path ?? '<file>'}' to list every error with its place in the file`,
      });
    }
    throw err;
  }
}

export interface DeclarativeStateOptions {
  manager: SnapshotManager;
  prefix: string;
  available: () => readonly string[];
  log?: Logger;
  initialHash: string | null;
}

export function createDeclarativeState(opts: DeclarativeStateOptions): DeclarativeState {
  let hash = opts.initialHash;
  let busy = false;
  let saving: Promise<void> = Promise.resolve();
  const parse = (input: string | Document) => parseDeclarative(input, { availablePlugins: opts.available() });
  return {
    hash: () => hash,
    busy: () => busy,
    parse,
    rows: () => opts.manager.current().rows,
    async load(input) {
      busy = true;
      try {
        const parsed = parse(input);
        // Builds the whole snapshot first; the swap is one assignment (see snapshot/manager.ts).
        opts.manager.load(parsed.rows);
        hash = parsed.hash;
        saving = saving
          .then(() => saveDeclarative(opts.prefix, parsed.hash, parsed.rows))
          .catch((err) => opts.log?.warn({ err: errorMessage(err) }, 'could not save the declarative configuration in the prefix'));
        await saving;
        return parsed;
      } finally {
        busy = false;
      }
    },
  };
}

/** `/status` shows all zeros until a configuration was loaded, as Kong does. */
export function configurationHash(manager: SnapshotManager, loaded: () => boolean): () => string {
  return () => (loaded() ? manager.current().version : EMPTY_CONFIG_HASH);
}
