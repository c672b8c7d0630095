import type { Migration } from '../../datastore/migrations/types.js';

/** The table as Kong's acl migrations leave it, so a Kong database fits. */
export const aclMigrations: readonly Migration[] = [
  {
    name: '000_base_acl',
    up: [
      `CREATE TABLE IF NOT EXISTS acls (
         id uuid PRIMARY KEY,
         created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'),
         consumer_id uuid REFERENCES consumers (id) ON DELETE CASCADE,
         "group" text,
         cache_key text UNIQUE,
         tags text[],
         ws_id uuid
       )`,
      'CREATE INDEX IF NOT EXISTS acls_consumer_id_idx ON acls (consumer_id)',
      'CREATE INDEX IF NOT EXISTS acls_group_idx ON acls ("group")',
      'CREATE INDEX IF NOT EXISTS acls_tags_idex_tags_idx ON acls USING GIN (tags)',
    ],
  },
];
