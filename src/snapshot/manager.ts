import type { Balancer } from '../proxy/balancer/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { buildSnapshot, type BuildOptions } from './build.js';
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
  /** Marks the configuration changed; a rebuild follows after the debounce delay. */
  invalidate(): void;
  /** Rebuilds from the source now and swaps; resolves with the snapshot in force afterwards. */
  refresh(): Promise<ConfigSnapshot>;
  /** Builds from rows (declarative config, a control plane) and swaps; throws if they do not compile. */
  load(rows: EntityRows): ConfigSnapshot;
  stop(): Promise<void>;
}

export interface ManagerOptions extends Omit<BuildOptions, 'previous'> {
  /** Where rows come from on refresh (the datastore); null in DB-less mode. */
  source: (() => Promise<EntityRows>) | null;
  /** `<prefix>` to persist `snapshot.json` in after each swap; null to skip. */
  persistPrefix: string | null;
  debounceMs?: number;
  log?: Logger;
}

/** Holds the current snapshot and swaps it atomically when the configuration changes. */
export function createSnapshotManager(initial: EntityRows, opts: ManagerOptions): SnapshotManager {
  const listeners = new Set<SwapListener>();
  const debounceMs = opts.debounceMs ?? 5;
  let current: ConfigSnapshot | null = null;
  let stopped = false;
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let pendingPromise: Promise<void> | null = null;
  let resolvePending: (() => void) | null = null;
  let persisting: Promise<void> = Promise.resolve();

  const swap = (rows: EntityRows): ConfigSnapshot => {
    const built = buildSnapshot(rows, { ...opts, previous: current });
    const previous = current;
    current = built.snapshot;
    for (const b of built.created) b.start();
    for (const b of built.retired) void stopBalancer(b);
    if (previous?.version !== current.version) {
      opts.log?.debug({ version: current.version }, 'configuration snapshot swapped');
      if (opts.persistPrefix) {
        const prefix = opts.persistPrefix;
        const snap = current;
        persisting = persisting
          .then(() => persistSnapshot(prefix, snap.version, snap.rows))
          .catch((err) => opts.log?.warn({ err: errorMessage(err) }, 'could not save snapshot.json'));
      }
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
    if (!stopped) swap(rows);
  };

  const drain = (): void => {
    timer = null;
    running = (async () => {
      while (dirty && !stopped) {
        dirty = false;
        try {
          await rebuildFromSource();
        } catch (err) {
          // Keep serving the last good snapshot; the next change (or refresh) tries again.
          opts.log?.error({ err: errorMessage(err) }, 'configuration rebuild failed; keeping the previous snapshot');
        }
      }
    })().finally(() => {
      running = null;
      if (dirty && !stopped) {
        drain();
        return;
      }
      const resolve = resolvePending;
      pendingPromise = null;
      resolvePending = null;
      resolve?.();
    });
  };

  swap(initial);

  return {
    current: () => current!,
    onSwap(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    pending: () => pendingPromise,
    invalidate() {
      if (stopped || !opts.source) return;
      dirty = true;
      pendingPromise ??= new Promise<void>((resolve) => (resolvePending = resolve));
      if (!timer && !running) timer = setTimeout(drain, debounceMs);
    },
    async refresh() {
      await rebuildFromSource();
      return current!;
    },
    load: (rows) => swap(rows),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      resolvePending?.();
      await persisting;
      if (current) await Promise.all([...current.balancersById.values()].map(stopBalancer));
    },
  };
}
