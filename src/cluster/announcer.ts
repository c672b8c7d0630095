import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { ChangeFeed } from './change-feed.js';
import type { EntityEventSource } from './snapshot-lookup.js';

/** Kong's channel for entity invalidations between nodes. */
export const INVALIDATIONS_CHANNEL = 'invalidations';

/** At most this many entity ids per event: the event only wakes nodes, they rebuild in full. */
const MAX_LISTED = 20;

/**
 * Turns the DAO's per-row change events into cluster events: the rows of one write (a cascade
 * deletes many) are announced as one event, and a failed announce is retried, since the other
 * nodes learn of a change only through it.
 */
export function announceEntityChanges(events: EntityEventSource, feed: Pick<ChangeFeed, 'announce'>, log: Logger): () => void {
  let batch: { entity: string; op: string; id: string }[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const changes = batch;
    batch = [];
    const data = JSON.stringify({ count: changes.length, changes: changes.slice(0, MAX_LISTED) });
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await feed.announce(INVALIDATIONS_CHANNEL, data);
        return;
      } catch (err) {
        if (attempt === 4) log.error({ err: errorMessage(err) }, 'could not announce a configuration change to the cluster; other nodes apply it when they next resynchronise');
        else await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  };
  return events.subscribe((change) => {
    batch.push({ entity: change.entity, op: change.op, id: change.id });
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  });
}
