/**
 * Migrations whose CREATE TABLE statements are generated from entity definitions when they
 * run, so the tables match the schemas. Core uses it for its entities; a plugin that owns
 * entities can use it instead of hand-written SQL:
 *   registerMigrations(entityTablesMigrationSet('acl', '000_base_acl', ['acls']))
 */
import type { Migration, MigrationSet } from '../datastore/migrations/types.js';
import { coreEntities, getEntity, registerCoreEntities } from '../schema/index.js';
import { columnsOf, quoteIdent } from './columns.js';
import { entityTablesDdl } from './ddl.js';

/** `entityNames` are read from the registry when the migration runs (after plugins registered). */
export function entityTablesMigration(name: string, entityNames: () => readonly string[]): Migration {
  return {
    name,
    get up(): readonly string[] {
      registerCoreEntities();
      const names = entityNames();
      // Tables of core entities exist before any plugin migration runs.
      const core = coreEntities.map((d) => getEntity(d.name).table);
      return entityTablesDdl(names.map((n) => getEntity(n)), core.filter((t) => !names.includes(t)));
    },
  };
}

export function entityTablesMigrationSet(subsystem: string, migrationName: string, entityNames: readonly string[]): MigrationSet {
  return { subsystem, migrations: [entityTablesMigration(migrationName, () => entityNames)] };
}

/**
 * For tables created before their entity gained a column (keyauth_credentials' `ttl`): adds
 * every generated column that is missing, with the ttl index. Idempotent, like Kong's
 * `ADD COLUMN ... EXCEPTION WHEN DUPLICATE_COLUMN` migrations.
 */
export function entityColumnsMigration(name: string, entityNames: () => readonly string[]): Migration {
  return {
    name,
    get up(): readonly string[] {
      registerCoreEntities();
      return entityNames().flatMap((n) => {
        const entity = getEntity(n);
        const table = quoteIdent(entity.table);
        const adds = columnsOf(entity).map((c) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.sqlType}`);
        if (entity.ttl) adds.push(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${entity.table}_ttl_idx`.slice(0, 63))} ON ${table} ("ttl")`);
        return adds;
      });
    },
  };
}
