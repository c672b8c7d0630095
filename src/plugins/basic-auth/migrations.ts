import type { Migration } from '../../datastore/migrations/types.js';

/** The table as Kong's basic-auth migrations leave it, so a Kong database fits. */
export const basicAuthMigrations: readonly Migration[] = [
  {
    name: '000_base_basic_auth',
    up: [
      `CREATE TABLE IF NOT EXISTS basicauth_credentials (
         id uuid PRIMARY KEY,
         created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'),
         consumer_id uuid REFERENCES consumers (id) ON DELETE CASCADE,
         username text UNIQUE,
         password text,
         tags text[],
         ws_id uuid,
         cache_key text UNIQUE
       )`,
      'CREATE INDEX IF NOT EXISTS basicauth_consumer_id_idx ON basicauth_credentials (consumer_id)',
      'CREATE INDEX IF NOT EXISTS basicauth_tags_idex_tags_idx ON basicauth_credentials USING GIN (tags)',
    ],
  },
];
