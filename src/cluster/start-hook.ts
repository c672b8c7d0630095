import { registerStartHook } from '../gateway/hooks.js';
import { loadEntityRow } from '../snapshot/load-datastore.js';
import { applyRemoteChanges } from './remote-changes.js';
import type { GatewayContext } from '../gateway/context.js';
import { loadEntitiesFromDatastore } from '../snapshot/load-datastore.js';
import { readPersistedSnapshot } from '../snapshot/persist.js';
import { announceEntityChanges } from './announcer.js';
import { ChangeFeed } from './change-feed.js';
import { DatabaseHealth } from './db-health.js';
import { feedDatabase } from './feed-database.js';
import type { ShippedSnapshot } from './ipc-messages.js';
import { RowsPublisher } from './rows-publisher.js';
import { useSnapshotWhileDatabaseDown } from './outage-reader.js';
import { findEntityEvents, findSnapshotManager } from './snapshot-lookup.js';
import { WorkerPool } from './worker-pool.js';
import { WORKER_FANOUT_SERVICE } from './worker-queries.js';

/** `ctx.services` keys this module reads and fills. */
export const ClusterServices = {
  /** 'single' (default), 'primary' (workers serve the proxy) or 'worker'. */
  role: 'clusterRole',
  workerCount: 'workerCount',
  /** Set by the node when it started on its persisted snapshot because PostgreSQL was down. */
  startedDegraded: 'startedDegraded',
  health: 'databaseHealth',
  feed: 'clusterFeed',
  workerPool: 'workerPool',
} as const;

export type ClusterRole = 'single' | 'primary' | 'worker';

type Stop = () => unknown;

async function primaryPool(ctx: GatewayContext, stops: Stop[]): Promise<() => void> {
  const count = Number(ctx.services.get(ClusterServices.workerCount) ?? 1);
  const pool = new WorkerPool({ count, config: ctx.config, log: ctx.log });
  const manager = findSnapshotManager(ctx);
  let initial: ShippedSnapshot | null = null;
  let changed: () => void = () => undefined;
  if (manager) {
    // The primary builds once per change; workers get the rows and the hash it computed.
    const snap = manager.current();
    initial = { version: snap.version, rows: snap.rows };
    stops.push(manager.onSwap((next) => pool.publish({ version: next.version, rows: next.rows })));
    changed = () => manager.invalidate();
  } else if (ctx.datastore) {
    const datastore = ctx.datastore;
    const publisher = new RowsPublisher({
      load: () => loadEntitiesFromDatastore(datastore),
      publish: (s) => pool.publish(s),
      persistPrefix: ctx.config.prefix,
      log: ctx.log,
    });
    if (ctx.services.get(ClusterServices.startedDegraded)) {
      const saved = readPersistedSnapshot(ctx.config.prefix);
      initial = saved ? { version: saved.version, rows: saved.rows } : null;
    } else {
      initial = await publisher.loadNow();
    }
    const events = findEntityEvents(ctx);
    if (events) stops.push(events.subscribe(() => publisher.changed()));
    stops.push(() => publisher.stop());
    changed = () => publisher.changed();
  }
  await pool.start(initial);
  ctx.services.set(ClusterServices.workerPool, pool);
  ctx.services.set(WORKER_FANOUT_SERVICE, pool);
  stops.push(() => pool.stop());
  return changed;
}

/**
 * Joins the node to its cluster: proxy workers (primary role) and, on PostgreSQL, the change
 * feed that announces this node's committed changes and applies the others'.
 */
registerStartHook('cluster', 900, async (ctx) => {
  const role = (ctx.services.get(ClusterServices.role) as ClusterRole | undefined) ?? 'single';
  if (role === 'worker') return;
  const stops: Stop[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const manager = findSnapshotManager(ctx);
    let configChanged: () => void = () => manager?.invalidate();
    if (role === 'primary') configChanged = await primaryPool(ctx, stops);

    const db = ctx.datastore ? feedDatabase(ctx.datastore) : null;
    if (db) {
      const health = new DatabaseHealth(ctx.log);
      ctx.services.set(ClusterServices.health, health);
      useSnapshotWhileDatabaseDown(ctx, () => health);
      const feed = new ChangeFeed(db, {
        nodeId: ctx.nodeId,
        pollIntervalMs: Number(ctx.config.db_update_frequency) * 1000,
        propagationDelayMs: Number(ctx.config.db_update_propagation) * 1000,
        health,
        log: ctx.log,
      });
      ctx.services.set(ClusterServices.feed, feed);
      const datastore = ctx.datastore!;
      const reader = { select: (entity: string, key: { id: string }) => loadEntityRow(datastore, entity, key.id) };
      // Single process, or a primary whose manager ships every swap to its workers.
      const patch = manager ? applyRemoteChanges(manager, reader, ctx.log) : null;
      stops.push(feed.onChanges((changes) => (patch ? void patch(changes) : configChanged())));
      stops.push(feed.onResync(() => configChanged()));
      const events = findEntityEvents(ctx);
      if (events) stops.push(announceEntityChanges(events, feed, ctx.log));
      if (ctx.services.get(ClusterServices.startedDegraded)) health.markDown(new Error('PostgreSQL was unreachable at start'));
      await feed.start();
      stops.push(() => feed.stop());
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { stop };
});
