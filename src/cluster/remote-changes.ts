import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { ClusterChange } from './change-feed.js';

interface AnnouncedChange {
  entity: string;
  op: 'create' | 'update' | 'delete';
  id: string;
}

interface RowReader {
  select(entity: string, key: { id: string }): Promise<Record<string, unknown> | null>;
}

interface PatchableManager {
  applyChange(change: { entity: string; op: 'create' | 'update' | 'delete'; id: string; row?: Record<string, unknown> }): void;
  invalidate(): void;
}

function announced(change: ClusterChange): AnnouncedChange[] | null {
  if (!change.data) return null;
  try {
    const data = JSON.parse(change.data) as { count?: number; changes?: AnnouncedChange[] };
    if (!Array.isArray(data.changes) || data.count !== data.changes.length) return null;
    return data.changes;
  } catch {
    return null;
  }
}

/**
 * Applies another node's changes by reading only the rows it names and patching the snapshot,
 * instead of re-reading the whole configuration: that keeps cross-node propagation and the
 * rebuild cost small on large configurations. Anything it cannot name precisely (a truncated
 * list, a read that fails) falls back to a full rebuild, which is always correct.
 */
export function applyRemoteChanges(manager: PatchableManager, reader: RowReader | undefined, log: Logger) {
  // Batches are applied in the order they arrived, even when a later batch's reads finish first.
  let queue: Promise<void> = Promise.resolve();
  return (changes: readonly ClusterChange[]): Promise<void> => {
    queue = queue.then(() => applyBatch(manager, reader, log, changes));
    return queue;
  };
}

async function applyBatch(manager: PatchableManager, reader: RowReader | undefined, log: Logger, changes: readonly ClusterChange[]): Promise<void> {
  const named = changes.map(announced);
  if (!reader || named.some((n) => n === null)) {
    manager.invalidate();
    return;
  }
  try {
    const reads = (named as AnnouncedChange[][]).flat().map(async (c) => {
      if (c.op === 'delete') return { ...c };
      const row = await reader.select(c.entity, { id: c.id });
      // Gone again by the time we read it: a later change deleted it.
      return row ? { ...c, row } : { ...c, op: 'delete' as const };
    });
    for (const change of await Promise.all(reads)) manager.applyChange(change);
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'could not read the changed rows; rebuilding the configuration in full');
    manager.invalidate();
  }
}
