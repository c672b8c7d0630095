import { ErrorCode, GatewayError } from '../../errors.js';
import type { Datastore, Queryable } from '../types.js';
import { allMigrationSets } from './registry.js';
import type { MigrationSet } from './types.js';

export interface SubsystemState {
  subsystem: string;
  executed: string[];
  pending: string[];
  new: string[];
}

export interface SchemaState {
  needsBootstrap: boolean;
  subsystems: SubsystemState[];
  hasPending: boolean;
  hasNew: boolean;
}

const LOCK = 'migrations';
export const LOCK_BUSY_MESSAGE = 'another node is performing database changes';

async function tableExists(q: Queryable, table: string): Promise<boolean> {
  const r = await q.query<{ exists: string | null }>('SELECT to_regclass($1)::text AS exists', [table]);
  return r.rows[0]?.exists != null;
}

interface MetaRow {
  subsystem: string;
  executed: string[] | null;
  pending: string[] | null;
}

export async function schemaState(db: Datastore, sets: MigrationSet[] = allMigrationSets()): Promise<SchemaState> {
  if (!(await tableExists(db, 'schema_meta'))) {
    return {
      needsBootstrap: true,
      subsystems: sets.map((s) => ({ subsystem: s.subsystem, executed: [], pending: [], new: s.migrations.map((m) => m.name) })),
      hasPending: false,
      hasNew: true,
    };
  }
  const rows = (await db.query<MetaRow>("SELECT subsystem, executed, pending FROM schema_meta WHERE key = 'schema_meta'")).rows;
  const bySubsystem = new Map(rows.map((r) => [r.subsystem, r]));
  const subsystems = sets.map((set) => {
    const row = bySubsystem.get(set.subsystem);
    const executed = row?.executed ?? [];
    const pending = row?.pending ?? [];
    const known = new Set([...executed, ...pending]);
    return { subsystem: set.subsystem, executed, pending, new: set.migrations.map((m) => m.name).filter((n) => !known.has(n)) };
  });
  return {
    needsBootstrap: false,
    subsystems,
    hasPending: subsystems.some((s) => s.pending.length > 0),
    hasNew: subsystems.some((s) => s.new.length > 0),
  };
}

async function withLock<T>(db: Datastore, fn: () => Promise<T>): Promise<T> {
  const result = await db.withExclusiveLock(LOCK, fn);
  if (!result.acquired) throw new GatewayError(ErrorCode.DATABASE_ERROR, LOCK_BUSY_MESSAGE, { hint: 'wait for the other node to finish, then run the command again' });
  return result.value;
}

async function record(tx: Queryable, subsystem: string, name: string, asPending: boolean): Promise<void> {
  const column = asPending ? 'pending' : 'executed';
  await tx.query(
    `INSERT INTO schema_meta (key, subsystem, last_executed, executed, pending)
     VALUES ('schema_meta', $1, $2, $3, $4)
     ON CONFLICT (key, subsystem) DO UPDATE SET last_executed = $2, ${column} = array_append(schema_meta.${column}, $2)`,
    [subsystem, name, asPending ? [] : [name], asPending ? [name] : []],
  );
}

export type Log = (line: string) => void;

/** Runs every new migration's `up`; with `andTeardown` (bootstrap) their teardown too. */
async function runUps(db: Datastore, log: Log, andTeardown: boolean): Promise<number> {
  const state = await schemaState(db);
  let count = 0;
  for (const set of allMigrationSets()) {
    const sub = state.subsystems.find((s) => s.subsystem === set.subsystem)!;
    for (const migration of set.migrations.filter((m) => sub.new.includes(m.name))) {
      await db.transaction(async (tx) => {
        for (const sql of migration.up) await tx.query(sql);
        const teardownLater = !!migration.teardown && !andTeardown;
        if (migration.teardown && andTeardown) for (const sql of migration.teardown) await tx.query(sql);
        await record(tx, set.subsystem, migration.name, teardownLater);
      });
      log(`${set.subsystem} migrated up to: ${migration.name}${migration.teardown && !andTeardown ? ' (pending)' : ' (executed)'}`);
      count++;
    }
  }
  return count;
}

export async function bootstrap(db: Datastore, log: Log): Promise<'bootstrapped' | 'already'> {
  return withLock(db, async () => {
    if (!(await schemaState(db)).needsBootstrap) return 'already';
    log('Bootstrapping database...');
    await db.query(`CREATE TABLE IF NOT EXISTS schema_meta (
      key text, subsystem text, last_executed text, executed text[], pending text[],
      PRIMARY KEY (key, subsystem))`);
    const n = await runUps(db, log, true);
    log(`${n} migration${n === 1 ? '' : 's'} processed`);
    log(`${n} executed`);
    log('Database is up-to-date');
    return 'bootstrapped';
  });
}

function needsBootstrapError(): GatewayError {
  return new GatewayError(ErrorCode.DATABASE_ERROR, 'Database needs bootstrapping or is older than Kong 1.0.', {
    hint: "run 'silverback migrations bootstrap' to prepare it",
  });
}

export async function up(db: Datastore, log: Log): Promise<number> {
  return withLock(db, async () => {
    const state = await schemaState(db);
    if (state.needsBootstrap) {
      throw new GatewayError(ErrorCode.DATABASE_ERROR, 'Cannot run migrations: Database needs bootstrapping or is older than Kong 1.0.', {
        hint: "run 'silverback migrations bootstrap' first",
      });
    }
    if (!state.hasNew) {
      log(state.hasPending ? "Database has pending migrations; run 'silverback migrations finish'" : 'Database is already up-to-date');
      return 0;
    }
    const n = await runUps(db, log, false);
    const after = await schemaState(db);
    log(after.hasPending ? "Database has pending migrations; run 'silverback migrations finish' when ready" : 'Database is up-to-date');
    return n;
  });
}

export async function finish(db: Datastore, log: Log): Promise<number> {
  return withLock(db, async () => {
    const state = await schemaState(db);
    if (state.needsBootstrap) throw needsBootstrapError();
    let n = 0;
    for (const set of allMigrationSets()) {
      const sub = state.subsystems.find((s) => s.subsystem === set.subsystem)!;
      for (const migration of set.migrations.filter((m) => sub.pending.includes(m.name))) {
        await db.transaction(async (tx) => {
          for (const sql of migration.teardown ?? []) await tx.query(sql);
          await tx.query(
            `UPDATE schema_meta SET pending = array_remove(pending, $2), executed = array_append(executed, $2), last_executed = $2
             WHERE key = 'schema_meta' AND subsystem = $1`,
            [set.subsystem, migration.name],
          );
        });
        log(`${set.subsystem} migrated up to: ${migration.name} (executed)`);
        n++;
      }
    }
    if (n === 0) log(state.hasNew ? "New migrations available; run 'silverback migrations up' to proceed" : 'No pending migrations to finish');
    else log('Database is up-to-date');
    return n;
  });
}

export async function reset(db: Datastore, log: Log): Promise<'reset' | 'not-bootstrapped'> {
  return withLock(db, async () => {
    if ((await schemaState(db)).needsBootstrap) return 'not-bootstrapped';
    const tables = await db.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()');
    await db.transaction(async (tx) => {
      for (const t of tables.rows) await tx.query(`DROP TABLE IF EXISTS "${t.tablename.replace(/"/g, '""')}" CASCADE`);
    });
    log('Database successfully reset');
    return 'reset';
  });
}

/** Kong's exit codes for `migrations list`: 3 needs bootstrap, 4 pending, 5 new, 0 up to date. */
export function listExitCode(state: SchemaState): number {
  if (state.needsBootstrap) return 3;
  if (state.hasPending) return 4;
  if (state.hasNew) return 5;
  return 0;
}

/** What `start` requires of the schema, with Kong's messages. */
export function assertStartable(state: SchemaState): void {
  if (state.needsBootstrap) throw needsBootstrapError();
  if (state.hasNew) {
    throw new GatewayError(ErrorCode.DATABASE_ERROR, "New migrations available; run 'silverback migrations up' to proceed", {
      hint: "or start with --run-migrations",
    });
  }
}
