import type { Migration } from '../../datastore/migrations/types.js';
import { entityTablesMigration } from '../../dao/table-migrations.js';

/** The keyauth_credentials table, generated from the entity so the DAO and the table agree. */
export const keyAuthMigrations: readonly Migration[] = [entityTablesMigration('000_base_key_auth', () => ['keyauth_credentials'])];
