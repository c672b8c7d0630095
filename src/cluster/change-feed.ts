import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { Backoff } from './backoff.js';
import type { DatabaseHealth } from './db-health.js';

/** The PostgreSQL channel every node LISTENs on; the payload is the new cluster_events id. */
export const NOTIFY_CHANNEL = 'silverback_cluster_events';

/** A connection held for LISTEN (node-postgres' client has exactly this surface). */
export interface ListenConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', cb: (msg: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
  on(event: 'end', cb: () => void): unknown;
  release(err?: Error | boolean): void;
}

/** What the feed needs of the datastore: queries on the primary and one dedicated connection. */
export interface FeedDatabase {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
  listenConnection(): Promise<ListenConnection>;
}

export interface ClusterChange {
  readonly id: string;
  readonly nodeId: string;
  readonly channel: string;
  readonly data: string | null;
}

export interface ChangeFeedOptions {
  nodeId: string;
  /** `db_update_frequency`: the fallback poll period when a notification is missed. */
  pollIntervalMs: number;
  /** `db_update_propagation`: how long to hold a change before applying it. */
  propagationDelayMs: number;
  health: DatabaseHealth;
  log: Logger;
  /**
   * How far back each poll looks. `at` is the inserting transaction's start time, so an event
   * can become visible slightly after a later one; ids seen are remembered over this window.
   */
  lookbackMs?: number;
  /** Events older than this are purged (Kong expires its cluster events too). */
  retentionMs?: number;
  backoff?: Backoff;
}

interface EventRow {
  id: string;
  node_id: string;
  channel: string;
  data: string | null;
  at: Date;
}

/**
 * Changes committed by other nodes, from PostgreSQL: NOTIFY is the wake-up, the cluster_events
 * table is the truth (polled every db_update_frequency and after each notification), so a lost
 * notification or a dropped connection only delays a change. After an outage the feed asks its
 * subscribers to resynchronise in full, since events may have been purged meanwhile.
 */
export class ChangeFeed {
  private conn: ListenConnection | null = null;
  private since: Date | null = null;
  private readonly seen = new Map<string, number>();
  private readonly changeSubs = new Set<(changes: ClusterChange[]) => void>();
  private readonly resyncSubs = new Set<() => void>();
  private readonly backoff: Backoff;
  private readonly lookbackMs: number;
  private readonly retentionMs: number;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly delayTimers = new Set<NodeJS.Timeout>();
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private lastPurge = 0;
  private stopped = false;
  private connecting: Promise<boolean> | null = null;

  constructor(
    private readonly db: FeedDatabase,
    private readonly opts: ChangeFeedOptions,
  ) {
    this.backoff = opts.backoff ?? new Backoff();
    this.lookbackMs = opts.lookbackMs ?? 10_000;
    this.retentionMs = opts.retentionMs ?? 3_600_000;
  }

  get connected(): boolean {
    return this.conn !== null;
  }

  /** Connects; a database that is down now is retried in the background (never throws). */
  async start(): Promise<void> {
    if (!(await this.connect())) this.scheduleReconnect();
  }

  onChanges(cb: (changes: ClusterChange[]) => void): () => void {
    this.changeSubs.add(cb);
    return () => this.changeSubs.delete(cb);
  }

  /** Called once the database is reachable again after an outage. */
  onResync(cb: () => void): () => void {
    this.resyncSubs.add(cb);
    return () => this.resyncSubs.delete(cb);
  }

  /**
   * Records a change for the other nodes and wakes them. The INSERT and the NOTIFY are one
   * statement, so PostgreSQL delivers the notification only once the row is committed.
   */
  async announce(channel: string, data: string | null): Promise<void> {
    await this.db.query(
      `WITH e AS (INSERT INTO cluster_events (node_id, channel, data) VALUES ($1, $2, $3) RETURNING id)
       SELECT pg_notify('${NOTIFY_CHANNEL}', id::text) FROM e`,
      [this.opts.nodeId, channel, data],
    );
  }

  /** Reads new events now (also what a notification triggers). */
  poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = this.pollOnce()
      .catch((err) => this.lost(err))
      .finally(() => {
        this.polling = null;
        if (this.pollAgain && !this.stopped && this.conn) {
          this.pollAgain = false;
          void this.poll();
        }
      });
    return this.polling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const t of this.delayTimers) clearTimeout(t);
    this.delayTimers.clear();
    await this.connecting;
    await this.polling;
    const conn = this.conn;
    this.conn = null;
    if (conn) {
      await conn.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => undefined);
      conn.release(true);
    }
  }

  private connect(): Promise<boolean> {
    this.connecting ??= this.connectOnce().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connectOnce(): Promise<boolean> {
    let conn: ListenConnection | null = null;
    try {
      conn = await this.db.listenConnection();
      const mine = conn;
      mine.on('notification', (msg) => {
        if (msg.channel === NOTIFY_CHANNEL && this.conn === mine) void this.poll();
      });
      mine.on('error', (err) => this.dropped(mine, err));
      mine.on('end', () => this.dropped(mine, new Error('the LISTEN connection to PostgreSQL closed')));
      await mine.query(`LISTEN ${NOTIFY_CHANNEL}`);
      const first = this.since === null;
      if (first) this.since = await this.databaseNow();
      if (this.stopped) {
        mine.release(true);
        return true;
      }
      this.conn = mine;
      const wasDown = !this.opts.health.reachable;
      this.opts.health.markUp();
      this.backoff.reset();
      this.pollTimer ??= setInterval(() => void this.poll(), Math.max(50, this.opts.pollIntervalMs));
      this.pollTimer.unref?.();
      if (!first || wasDown) this.emitResync();
      void this.poll();
      return true;
    } catch (err) {
      conn?.release(err instanceof Error ? err : true);
      if (!this.stopped) this.opts.health.markDown(err);
      return false;
    }
  }

  private dropped(conn: ListenConnection, err: Error): void {
    if (this.conn !== conn) return;
    this.lost(err);
  }

  /** The connection (or a poll) failed: report the outage and reconnect with backoff. */
  private lost(err: unknown): void {
    if (this.stopped) return;
    const conn = this.conn;
    this.conn = null;
    if (conn) conn.release(err instanceof Error ? err : new Error(errorMessage(err)));
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.opts.health.markDown(err);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null;
      if (this.stopped || this.conn) return;
      if (!(await this.connect())) this.scheduleReconnect();
    }, delay);
  }

  private async databaseNow(): Promise<Date> {
    const r = await this.db.query<{ now: Date }>('SELECT now() AS now');
    return new Date(r.rows[0].now);
  }

  private async pollOnce(): Promise<void> {
    if (!this.conn || this.stopped || !this.since) return;
    const now = await this.databaseNow();
    const from = new Date(this.since.getTime() - this.lookbackMs);
    const r = await this.db.query<EventRow>(
      'SELECT id::text AS id, node_id::text AS node_id, channel, data, at FROM cluster_events WHERE at > $1 ORDER BY id',
      [from],
    );
    this.since = now;
    const fresh: ClusterChange[] = [];
    for (const row of r.rows) {
      if (this.seen.has(row.id)) continue;
      this.seen.set(row.id, new Date(row.at).getTime());
      if (row.node_id === this.opts.nodeId) continue;
      fresh.push({ id: row.id, nodeId: row.node_id, channel: row.channel, data: row.data });
    }
    const forget = from.getTime() - 1_000;
    for (const [id, at] of this.seen) if (at < forget) this.seen.delete(id);
    if (fresh.length) this.deliver(fresh);
    if (now.getTime() - this.lastPurge > 60_000) {
      this.lastPurge = now.getTime();
      await this.db.query('DELETE FROM cluster_events WHERE at < $1', [new Date(now.getTime() - this.retentionMs)]).catch(() => undefined);
    }
  }

  private deliver(changes: ClusterChange[]): void {
    const emit = () => {
      for (const cb of [...this.changeSubs]) {
        try {
          cb(changes);
        } catch (err) {
          this.opts.log.error({ err: errorMessage(err) }, 'cluster change subscriber failed');
        }
      }
    };
    if (this.opts.propagationDelayMs <= 0) return emit();
    const t = setTimeout(() => {
      this.delayTimers.delete(t);
      emit();
    }, this.opts.propagationDelayMs);
    this.delayTimers.add(t);
  }

  private emitResync(): void {
    for (const cb of [...this.resyncSubs]) {
      try {
        cb();
      } catch (err) {
        this.opts.log.error({ err: errorMessage(err) }, 'cluster resync subscriber failed');
      }
    }
  }
}
