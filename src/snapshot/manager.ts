import type { EntityChange } from '../dao/events.js';
import type { Balancer } from '../proxy/balancer/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { buildSnapshot, type BuildOptions } from './build.js';
import { isPatchable, patchRows } from './patch-rows.js';
import { persistSnapshot } from './persist.js';
import type { ConfigSnapshot, EntityRows } from './types.js';

export type SwapListener = (next: ConfigSnapshot, previous: ConfigSnapshot | null) => void;

export interface SnapshotManager {
  /** The snapshot in force. Never null once the manager is started. */
  current(): ConfigSnapshot;
  /** Called after every swap; returns the unsubscribe function. */
  onSwap(cb: SwapListener): () => void;
  /**
   * Non-null while a committed change is not yet in the current snapshot: the proxy awaits it,
   * so a change is visible to the first request after the Admin API answered.
   */
  pending(): Promise<void> | null;
  /** Marks the configuration changed in unknown ways; a rebuild from the source follows after the debounce delay. */
  invalidate(): void;
  /**
   * One committed change (a DAO change event): patched into the current rows after the debounce
   * delay, coalesced with the other changes of the burst, without reading the source. A change
   * that does not carry its row, or names an entity the snapshot does not hold, rebuilds from
   * the source instead.
   */
  applyChange(change: EntityChange): void;
  /** Rebuilds from the source now and swaps; resolves with the snapshot in force afterwards. */
  refresh(): Promise<ConfigSnapshot>;
  /**
   * Builds from rows (declarative config, a control plane) and swaps; throws if they do not
   * compile. The rows are taken over and frozen in place: pass a copy if you keep changing them.
   */
  load(rows: EntityRows): ConfigSnapshot;
  stop(): Promise<void>;
}

export interface ManagerOptions extends Omit<BuildOptions, 'previous'> {
  /** Where rows come from on refresh (the datastore); null in DB-less mode. */
  source: (() => Promise<EntityRows>) | null;
  /** `<prefix>` to persist `snapshot.json` in after each swap; null to skip. */
  persistPrefix: string | null;
  debounceMs?: number;
  /** Minimum gap between two saves of snapshot.json (default 1000 ms); the last snapshot is always saved. */
  persistGapMs?: number;
  log?: Logger;
}

/** Holds the current snapshot and swaps it atomically when the configuration changes. */
/** `initial`, and what `source` returns, are taken over and frozen in place. */
export function createSnapshotManager(initial: EntityRows, opts: ManagerOptions): SnapshotManager {
  const listeners = new Set<SwapListener>();
  const debounceMs = opts.debounceMs ?? 5;
  let current: ConfigSnapshot | null = null;
  let stopped = false;
  /** A rebuild from the source is due. */
  let reloadWanted = false;
  /** Committed changes not yet in the current snapshot, in commit order. */
  const changes: EntityChange[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let pendingPromise: Promise<void> | null = null;
  let resolvePending: (() => void) | null = null;
  let persisting: Promise<void> = Promise.resolve();
  /** The snapshot to save next, and when the last save started. */
  let unsaved: ConfigSnapshot | null = null;
  let lastPersist = 0;
  let persistTimer: NodeJS.Timeout | null = null;
  const persistGapMs = opts.persistGapMs ?? 1000;

  /*
   * snapshot.json only serves starts while the database is down, and writing it means
   * serialising every row on the event loop: a burst of changes saves the latest snapshot once
   * per gap instead of once per change.
   */
  const flushPersist = (prefix: string): void => {
    persistTimer = null;
    const snap = unsaved;
    unsaved = null;
    if (!snap) return;
    lastPersist = Date.now();
    persisting = persisting
      .then(() => persistSnapshot(prefix, snap.version, snap.rows))
      .catch((err) => opts.log?.warn({ err: errorMessage(err) }, 'could not save snapshot.json'));
  };
  const schedulePersist = (prefix: string): void => {
    unsaved = current;
    if (persistTimer) return;
    const wait = lastPersist + persistGapMs - Date.now();
    if (wait <= 0) flushPersist(prefix);
    else persistTimer = setTimeout(() => flushPersist(prefix), wait);
  };

  const swap = (rows: EntityRows, adoptRows: boolean): ConfigSnapshot => {
    const built = buildSnapshot(rows, { ...opts, previous: current, adoptRows });
    const previous = current;
    current = built.snapshot;
    for (const b of built.created) b.start();
    for (const b of built.retired) void stopBalancer(b);
    if (previous?.version !== current.version) {
      opts.log?.debug({ version: current.version }, 'configuration snapshot swapped');
      if (opts.persistPrefix) schedulePersist(opts.persistPrefix);
    }
    for (const cb of listeners) {
      try {
        cb(current, previous);
      } catch (err) {
        opts.log?.error({ err: errorMessage(err) }, 'snapshot swap listener failed');
      }
    }
    return current;
  };

  const stopBalancer = (b: Balancer) => b.stop().catch((err) => opts.log?.warn({ err: errorMessage(err) }, 'balancer stop failed'));

  const rebuildFromSource = async (): Promise<void> => {
    if (!opts.source || stopped) return;
    const rows = await opts.source();
    if (!stopped) swap(rows, true);
  };

  const dirty = () => (reloadWanted && !!opts.source) || changes.length > 0;

  const rebuild = async (): Promise<void> => {
    if (reloadWanted && opts.source) {
      reloadWanted = false;
      // Events are emitted after commit, so the read sees every change queued so far. Changes
      // arriving during the read stay queued and are patched in after: each carries its whole
      // row, so applying one the read already saw changes nothing.
      changes.length = 0;
      await rebuildFromSource();
      return;
    }
    const batch = changes.splice(0);
    try {
      // Rows of change events are the DAO's, which also answers the Admin request with them: copied.
      swap(patchRows(current!.rows, batch), false);
    } catch (err) {
      // The patched rows do not compile (a change event out of step with the datastore): read it all.
      if (opts.source) reloadWanted = true;
      throw err;
    }
  };

  const drain = (): void => {
    timer = null;
    running = (async () => {
      while (dirty() && !stopped) {
        try {
          await rebuild();
        } catch (err) {
          // Keep serving the last good snapshot; the next change (or refresh) tries again.
          opts.log?.error({ err: errorMessage(err) }, 'configuration rebuild failed; keeping the previous snapshot');
        }
      }
    })().finally(() => {
      running = null;
      if (dirty() && !stopped) {
        drain();
        return;
      }
      const resolve = resolvePending;
      pendingPromise = null;
      resolvePending = null;
      resolve?.();
    });
  };

  const schedule = (): void => {
    pendingPromise ??= new Promise<void>((resolve) => (resolvePending = resolve));
    if (!timer && !running) timer = setTimeout(drain, debounceMs);
  };

  swap(initial, true);

  return {
    current: () => current!,
    onSwap(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    pending: () => pendingPromise,
    invalidate() {
      if (stopped || !opts.source) return;
      reloadWanted = true;
      schedule();
    },
    applyChange(change) {
      if (stopped) return;
      if (!isPatchable(change, current!.rows)) {
        if (!opts.source) {
          opts.log?.warn({ entity: change.entity, id: change.id }, 'change event without its row and no datastore to read it from; ignored');
          return;
        }
        reloadWanted = true;
      } else {
        changes.push(change);
      }
      schedule();
    },
    async refresh() {
      await rebuildFromSource();
      return current!;
    },
    load: (rows) => swap(rows, true),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      resolvePending?.();
      if (persistTimer) clearTimeout(persistTimer);
      if (opts.persistPrefix) flushPersist(opts.persistPrefix);
      await persisting;
      if (current) await Promise.all([...current.balancersById.values()].map(stopBalancer));
    },
  };
}
