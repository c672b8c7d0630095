import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { hashEntities } from '../snapshot/hash.js';
import { persistSnapshot } from '../snapshot/persist.js';
import type { EntityRows } from '../snapshot/types.js';
import type { ShippedSnapshot } from './ipc-messages.js';

export interface RowsPublisherOptions {
  /** Reads every entity (one consistent view). */
  load: () => Promise<EntityRows>;
  publish: (snapshot: ShippedSnapshot) => void;
  /** `<prefix>` to keep snapshot.json current in, for starts while the database is down. */
  persistPrefix: string | null;
  log: Logger;
  /** Minimum gap between two loads: a burst of changes costs one rebuild per gap, not one each. */
  minGapMs?: number;
}

/**
 * The primary's snapshot source when no snapshot manager runs there: loads the rows after a
 * change, hashes them, and ships them only when the hash moved. Requests arriving while a load
 * runs are coalesced into one more load afterwards.
 */
export class RowsPublisher {
  private version: string | null = null;
  private dirty = false;
  private running: Promise<void> | null = null;
  private lastLoad = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: RowsPublisherOptions) {}

  get currentVersion(): string | null {
    return this.version;
  }

  /** Loads now and ships; throws if the load fails (used at start). */
  async loadNow(): Promise<ShippedSnapshot> {
    const rows = await this.opts.load();
    return this.ship(rows);
  }

  /** Marks the configuration changed; a load follows soon, coalesced with other changes. */
  changed(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.running || this.timer) return;
    const wait = Math.max(0, (this.opts.minGapMs ?? 50) - (Date.now() - this.lastLoad));
    this.timer = setTimeout(() => this.drain(), wait);
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.running ?? Promise.resolve();
  }

  private drain(): void {
    this.timer = null;
    this.running = (async () => {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        this.lastLoad = Date.now();
        try {
          await this.loadNow();
        } catch (err) {
          // The database is gone mid-change: keep serving; the resync after reconnect reloads.
          this.opts.log.error({ err: errorMessage(err) }, 'configuration reload failed; workers keep the previous snapshot');
        }
      }
    })().finally(() => {
      this.running = null;
      if (this.dirty && !this.stopped) this.changed();
    });
  }

  private ship(rows: EntityRows): ShippedSnapshot {
    const version = hashEntities(rows);
    const snapshot = { version, rows };
    if (version === this.version) return snapshot;
    this.version = version;
    this.opts.publish(snapshot);
    if (this.opts.persistPrefix) {
      persistSnapshot(this.opts.persistPrefix, version, rows).catch((err) => this.opts.log.warn({ err: errorMessage(err) }, 'could not save snapshot.json'));
    }
    return snapshot;
  }
}
