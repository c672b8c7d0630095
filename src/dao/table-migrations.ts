/**
 * Migrations whose CREATE TABLE statements are generated from entity definitions when they
 * run, so the tables match the schemas. Core uses it for its entities; a plugin that owns
 * entities can use it instead of hand-written SQL:
 *   registerMigrations(entityTablesMigrationSet('acl', '000_base_acl', ['acls']))
 */
import type { Migration, MigrationSet } from '../datastore/migrations/types.js';
import { coreEntities, getEntity, registerCoreEntities } from '../schema/index.js';
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
