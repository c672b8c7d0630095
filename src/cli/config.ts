/**
 * `silverback config init|parse|db_import|db_export` (kong/cmd/config.lua): declarative files
 * checked, imported into the database in one transaction, exported byte-stably, or started.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openDatastore } from '../datastore/index.js';
import { schemaState } from '../datastore/migrations/index.js';
import { declarativeProblems, errorLines } from '../declarative/errors.js';
import { exportDatabase, importRows } from '../declarative/db.js';
import { INIT_TEMPLATE } from '../declarative/init-template.js';
import { parseDeclarative, type DeclarativeConfig } from '../declarative/parse.js';
import { ErrorCode, GatewayError, errorMessage } from '../errors.js';
import { resolveAvailable } from '../plugins/registry.js';
import type { Config } from '../config/index.js';
import { addCommand } from './extra-commands.js';
import { err, loadCliConfig, out, type CommonFlags } from './context.js';

const DEFAULT_FILE = './kong.yml';
const SUBCOMMANDS = ['init', 'parse', 'db_import', 'db_export'] as const;

function usage(message: string, hint: string): GatewayError {
  return new GatewayError(ErrorCode.CLI_USAGE, message, { hint });
}

function readDeclarativeFile(file: string | undefined): { path: string; text: string } {
  if (!file) throw usage('expected a declarative configuration file', "give the file: 'silverback config parse kong.yml'");
  const path = resolve(file);
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    throw usage(`cannot read ${path}: ${errorMessage(e)}`, 'check the path and its permissions');
  }
}

/** Parses, printing every error with its place in the file; null when the file is invalid. */
function parseOrReport(config: Config, path: string, text: string): DeclarativeConfig | null {
  try {
    return parseDeclarative(text, { availablePlugins: resolveAvailable(config.plugins as readonly string[]) });
  } catch (e) {
    if (!(e instanceof GatewayError) || e.code !== ErrorCode.DECLARATIVE_CONFIG) throw e;
    const { items, top } = declarativeProblems(e);
    const lines = errorLines(items, top);
    if (lines.length === 0) lines.push(e.fields && typeof e.fields.error === 'string' ? e.fields.error : e.message);
    err(`Error: Failed parsing ${path}: ${lines.length} error${lines.length === 1 ? '' : 's'}`);
    for (const line of lines) err(`  ${line}`);
    return null;
  }
}

function initFile(file: string | undefined): number {
  const path = resolve(file ?? DEFAULT_FILE);
  if (existsSync(path)) throw usage(`${path} already exists. Will not overwrite it.`, 'choose another file name or remove the existing file');
  writeFileSync(path, INIT_TEMPLATE);
  out(`Created ${path}`);
  return 0;
}

async function withDatabase<T>(config: Config, command: string, fn: (db: Awaited<ReturnType<typeof openDatastore>>) => Promise<T>): Promise<T> {
  if (config.database === 'off') {
    throw usage(
      `'silverback config ${command}' only works with a database`,
      command === 'db_import' ? 'with database = off, load the file through POST /config or declarative_config instead' : 'set database = embedded or postgres',
    );
  }
  const db = await openDatastore(config);
  try {
    const state = await schemaState(db);
    if (state.needsBootstrap) throw usage('the database is not bootstrapped', "run 'silverback migrations bootstrap' first");
    return await fn(db);
  } finally {
    await db.close();
  }
}

export interface ConfigFlags extends CommonFlags {}

export async function configCommand(sub: string, file: string | undefined, flags: ConfigFlags): Promise<number> {
  const command = sub.replace(/-/g, '_');
  if (!(SUBCOMMANDS as readonly string[]).includes(command)) {
    throw usage(`unknown command '${sub}'`, `use one of: ${SUBCOMMANDS.join(', ')}`);
  }
  if (command === 'init') return initFile(file);
  const config = loadCliConfig(flags);
  if (command === 'db_export') {
    const path = file === '-' ? null : resolve(file ?? DEFAULT_FILE);
    if (path && existsSync(path)) throw usage(`${path} already exists. Will not overwrite it.`, 'choose another file name or remove the existing file');
    const yaml = await withDatabase(config, command, exportDatabase);
    if (path) writeFileSync(path, yaml, { mode: 0o600 });
    else process.stdout.write(yaml);
    return 0;
  }
  const { path, text } = readDeclarativeFile(file);
  if (command === 'parse') {
    const parsed = parseOrReport(config, path, text);
    if (!parsed) return 1;
    out('parse successful');
    return 0;
  }
  // db_import: reach the database before parsing, so a wrong setting fails fast.
  return withDatabase(config, command, async (db) => {
    const parsed = parseOrReport(config, path, text);
    if (!parsed) return 1;
    out('parse successful, beginning import');
    const { counts } = await importRows(db, parsed.rows);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    out(`import successful (${total} entities)`);
    return 0;
  });
}

addCommand((program: Command, run, confOptions) => {
  confOptions(
    program
      .command('config <command> [file]')
      .description('declarative configuration: init [file], parse <file>, db_import <file>, db_export [file]'),
  ).action((sub: string, file: string | undefined, opts: ConfigFlags) => run(() => configCommand(sub, file, opts)));
});
