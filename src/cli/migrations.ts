import { createInterface } from 'node:readline/promises';
import { openDatastore } from '../datastore/index.js';
import type { Datastore } from '../datastore/index.js';
import { bootstrap, finish, listExitCode, reset, schemaState, up } from '../datastore/migrations/index.js';
import type { CommonFlags } from './context.js';
import { err, loadCliConfig, out } from './context.js';
import { validateBeforeStart } from '../gateway/preflight.js';
import '../gateway/modules.js';

export interface MigrationFlags extends CommonFlags {
  yes?: boolean;
  force?: boolean;
  quiet?: boolean;
}

async function withDatastore<T>(flags: MigrationFlags, fn: (db: Datastore) => Promise<T>): Promise<T> {
  const config = loadCliConfig(flags, {}, flags.quiet);
  if (config.database === 'off') {
    throw Object.assign(new Error("migrations need a database: set database = postgres or embedded (DB-less mode has none)"), {});
  }
  await validateBeforeStart(config, flags.quiet ? undefined : (w) => err(`[warn] ${w}`));
  const db = await openDatastore(config);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/n] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export async function migrationsCommand(sub: string, flags: MigrationFlags): Promise<number> {
  const say = flags.quiet ? () => undefined : out;
  switch (sub) {
    case 'bootstrap':
      return withDatastore(flags, async (db) => {
        if (flags.force) await reset(db, say);
        const result = await bootstrap(db, say);
        if (result === 'already') say('Database already bootstrapped');
        return 0;
      });
    case 'up':
      return withDatastore(flags, async (db) => {
        await up(db, say);
        return 0;
      });
    case 'finish':
      return withDatastore(flags, async (db) => {
        await finish(db, say);
        return 0;
      });
    case 'list':
      return withDatastore(flags, async (db) => {
        const state = await schemaState(db);
        if (state.needsBootstrap) {
          say('Database needs bootstrapping or is older than Kong 1.0.');
          say("\nTo start a new installation from scratch, run 'silverback migrations bootstrap'.");
          return listExitCode(state);
        }
        for (const s of state.subsystems) {
          if (s.executed.length) say(`Executed migrations:\n ${s.subsystem}: ${s.executed.join(', ')}`);
          if (s.pending.length) say(`Pending migrations:\n ${s.subsystem}: ${s.pending.join(', ')}`);
          if (s.new.length) say(`New migrations available:\n ${s.subsystem}: ${s.new.join(', ')}`);
        }
        if (state.hasPending) say("\nRun 'silverback migrations finish' when ready");
        else if (state.hasNew) say("\nRun 'silverback migrations up' to proceed");
        else say('\nDatabase is up-to-date');
        return listExitCode(state);
      });
    case 'reset':
      if (!flags.yes) {
        if (!process.stdin.isTTY) {
          err("Error: not a tty: invoke 'reset' non-interactively with the --yes flag");
          return 1;
        }
        if (!(await confirm('Are you sure? This operation is irreversible.'))) {
          out('cancelled');
          return 0;
        }
      }
      return withDatastore(flags, async (db) => {
        const result = await reset(db, say);
        if (result === 'not-bootstrapped') {
          err('Error: Database not bootstrapped, nothing to reset');
          return 1;
        }
        return 0;
      });
    case 'status':
      return withDatastore(flags, async (db) => {
        out(JSON.stringify(await schemaState(db), null, 2));
        return 0;
      });
    default:
      err(`Error: No such migrations command: ${sub} (bootstrap, up, finish, list, reset, status)`);
      return 1;
  }
}
