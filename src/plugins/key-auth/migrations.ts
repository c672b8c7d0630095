import type { Migration } from '../../datastore/migrations/types.js';

/** The table as Kong's key-auth migrations leave it (000 → 004), so a Kong database fits. */
export const keyAuthMigrations: readonly Migration[] = [
  {
    name: '000_base_key_auth',
    up: [
      `CREATE TABLE IF NOT EXISTS keyauth_credentials (
         id uuid PRIMARY KEY,
         created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'),
         consumer_id uuid REFERENCES consumers (id) ON DELETE CASCADE,
         key text UNIQUE,
         tags text[],
         ttl timestamp with time zone,
         ws_id uuid,
         cache_key text UNIQUE
       )`,
      'CREATE INDEX IF NOT EXISTS keyauth_credentials_consumer_id_idx ON keyauth_credentials (consumer_id)',
      'CREATE INDEX IF NOT EXISTS keyauth_tags_idex_tags_idx ON keyauth_credentials USING GIN (tags)',
      'CREATE INDEX IF NOT EXISTS keyauth_credentials_ttl_idx ON keyauth_credentials (ttl)',
    ],
  },
];
