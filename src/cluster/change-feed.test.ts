import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { Backoff } from './backoff.js';
import { ChangeFeed, NOTIFY_CHANNEL, type ClusterChange, type FeedDatabase, type ListenConnection } from './change-feed.js';
import { DatabaseHealth } from './db-health.js';

/** An in-memory cluster_events table with a LISTEN connection that can be cut. */
function fakeDatabase() {
  const rows: { id: string; node_id: string; channel: string; data: string | null; at: Date }[] = [];
  let up = true;
  let conn: (EventEmitter & ListenConnection) | null = null;
  const db: FeedDatabase = {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      if (!up) throw new Error('connect ECONNREFUSED');
      if (sql.startsWith('SELECT now()')) return { rows: [{ now: new Date() }] as R[] };
      if (sql.includes('INSERT INTO cluster_events')) {
        rows.push({ id: String(rows.length + 1), node_id: String(params[0]), channel: String(params[1]), data: params[2] as string, at: new Date() });
        conn?.emit('notification', { channel: NOTIFY_CHANNEL, payload: String(rows.length) });
        return { rows: [] };
      }
      if (sql.startsWith('SELECT id::text')) return { rows: rows.filter((r) => r.at > (params[0] as Date)) as R[] };
      return { rows: [] };
    },
    async listenConnection() {
      if (!up) throw new Error('connect ECONNREFUSED');
      const c = Object.assign(new EventEmitter(), { query: async () => undefined, release: () => undefined }) as unknown as EventEmitter & ListenConnection;
      conn = c;
      return c;
    },
  };
  return {
    db,
    insert: (nodeId: string) => db.query('INSERT INTO cluster_events', [nodeId, 'invalidations', null]),
    down() {
      up = false;
      conn?.emit('error', new Error('terminating connection due to administrator command'));
    },
    up() {
      up = true;
    },
  };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

describe('ChangeFeed', () => {
  it('delivers other nodes’ events once each, never its own, and resyncs after an outage', async () => {
    const fake = fakeDatabase();
    const health = new DatabaseHealth();
    const feed = new ChangeFeed(fake.db, { nodeId: 'me', pollIntervalMs: 60_000, propagationDelayMs: 0, health, log: silentLogger(), backoff: new Backoff(5, 20) });
    const got: ClusterChange[] = [];
    let resyncs = 0;
    feed.onChanges((c) => got.push(...c));
    feed.onResync(() => resyncs++);
    await feed.start();
    await fake.insert('other');
    await feed.announce('invalidations', null);
    await until(() => got.length === 1);
    await feed.poll();
    await feed.poll();
    expect(got.map((c) => c.nodeId)).toEqual(['other']);

    fake.down();
    expect(health.reachable).toBe(false);
    fake.up();
    await until(() => health.reachable && resyncs === 1);
    await fake.insert('third');
    await until(() => got.length === 2);
    expect(got[1].nodeId).toBe('third');
    await feed.stop();
  });
});
