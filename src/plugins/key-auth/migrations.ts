import type { Migration } from '../../datastore/migrations/types.js';
import { entityColumnsMigration, entityTablesMigration } from '../../dao/table-migrations.js';

/**
 * The keyauth_credentials table, generated from the entity so the DAO and the table agree;
 * the second migration adds columns (the `ttl` expiry) to tables created before them.
 */
export const keyAuthMigrations: readonly Migration[] = [
  entityTablesMigration('000_base_key_auth', () => ['keyauth_credentials']),
  entityColumnsMigration('001_key_auth_ttl', () => ['keyauth_credentials']),
];
