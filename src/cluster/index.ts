/** Cluster: proxy worker processes, change propagation between nodes, database outages. */
import './start-hook.js';
import '../cli/reload.js';

export { ClusterServices, type ClusterRole } from './start-hook.js';
export { resolveWorkerCount } from './worker-count.js';
export { ChangeFeed, NOTIFY_CHANNEL, type ChangeFeedOptions, type ClusterChange, type FeedDatabase, type ListenConnection } from './change-feed.js';
export { DatabaseHealth } from './db-health.js';
export { feedDatabase } from './feed-database.js';
export { announceEntityChanges, INVALIDATIONS_CHANNEL } from './announcer.js';
export { guardAdminWrites, databaseUnavailableError } from './admin-write-guard.js';
export { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
export { SharedCounterHost, SharedCounterClient } from './shared-counters.js';
export { RowsPublisher } from './rows-publisher.js';
export { openPostgresWithoutPreflight } from './lazy-datastore.js';
export { findSnapshotManager, SNAPSHOT_SERVICE } from './snapshot-lookup.js';
export { drainServer } from './drain.js';
export type { ShippedSnapshot } from './ipc-messages.js';
