import type { Migration } from '../../datastore/migrations/types.js';
import { entityTablesMigration } from '../../dao/table-migrations.js';

/** The acls table, generated from the entity so the DAO and the table agree. */
export const aclMigrations: readonly Migration[] = [entityTablesMigration('000_base_acl', () => ['acls'])];
