import type { Migration } from '../../datastore/migrations/types.js';
import { entityTablesMigration } from '../../dao/table-migrations.js';

/** The basicauth_credentials table, generated from the entity so the DAO and the table agree. */
export const basicAuthMigrations: readonly Migration[] = [entityTablesMigration('000_base_basic_auth', () => ['basicauth_credentials'])];
