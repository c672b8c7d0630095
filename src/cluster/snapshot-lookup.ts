import type { GatewayContext } from '../gateway/context.js';
import type { SnapshotManager } from '../snapshot/manager.js';

/** The service name the snapshot module is expected to register its manager under. */
export const SNAPSHOT_SERVICE = 'snapshot';

function looksLikeManager(value: unknown): value is SnapshotManager {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return typeof m.current === 'function' && typeof m.load === 'function' && typeof m.invalidate === 'function' && typeof m.onSwap === 'function';
}

/**
 * The node's snapshot manager. The snapshot module owns its registration; we look under
 * `snapshot` first and otherwise take the one service shaped like a manager, so this module
 * does not break if the name differs.
 */
export function findSnapshotManager(ctx: GatewayContext): SnapshotManager | null {
  const named = ctx.services.get(SNAPSHOT_SERVICE);
  if (looksLikeManager(named)) return named;
  for (const value of ctx.services.values()) if (looksLikeManager(value)) return value;
  return null;
}

/** What the DAO publishes under `entityEvents` (only `subscribe` is needed here). */
export interface EntityEventSource {
  subscribe(listener: (change: { entity: string; op: string; id: string }) => void): () => void;
}

export function findEntityEvents(ctx: GatewayContext): EntityEventSource | null {
  const v = ctx.services.get('entityEvents') as EntityEventSource | undefined;
  return v && typeof v.subscribe === 'function' ? v : null;
}
