import type { Migration } from '../types.js';

/** Cluster-wide tables every later migration and node relies on. */
export const base: Migration = {
  name: '000_base',
  up: [
    `CREATE TABLE IF NOT EXISTS locks (
       key text PRIMARY KEY,
       owner text,
       ttl timestamp with time zone
     )`,
    `CREATE TABLE IF NOT EXISTS cluster_events (
       id bigserial PRIMARY KEY,
       node_id uuid NOT NULL,
       at timestamp with time zone NOT NULL DEFAULT now(),
       channel text NOT NULL,
       data text
     )`,
    'CREATE INDEX IF NOT EXISTS cluster_events_at_idx ON cluster_events (at)',
  ],
};
