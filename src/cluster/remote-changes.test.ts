import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { applyRemoteChanges } from './remote-changes.js';

function fakeManager() {
  const applied: unknown[] = [];
  let invalidations = 0;
  return {
    applied,
    get invalidations() {
      return invalidations;
    },
    applyChange: (c: unknown) => void applied.push(c),
    invalidate: () => void invalidations++,
  };
}

const event = (changes: { entity: string; op: string; id: string }[], count = changes.length) => ({
  id: '1',
  nodeId: 'n',
  channel: 'invalidations',
  data: JSON.stringify({ count, changes }),
});

describe('applyRemoteChanges', () => {
  it('reads only the named rows and patches them in order; a vanished row becomes a delete', async () => {
    const m = fakeManager();
    const rows: Record<string, Record<string, unknown>> = { r1: { id: 'r1', paths: ['/a'] } };
    const apply = applyRemoteChanges(m, { select: async (_e, k) => rows[k.id] ?? null }, silentLogger());
    await apply([event([{ entity: 'routes', op: 'update', id: 'r1' }, { entity: 'routes', op: 'create', id: 'r2' }, { entity: 'services', op: 'delete', id: 's1' }])]);
    expect(m.applied).toEqual([
      { entity: 'routes', op: 'update', id: 'r1', row: rows.r1 },
      { entity: 'routes', op: 'delete', id: 'r2' },
      { entity: 'services', op: 'delete', id: 's1' },
    ]);
    expect(m.invalidations).toBe(0);
  });

  it('rebuilds in full when the event lists fewer rows than it counts, or a read fails', async () => {
    const m = fakeManager();
    const apply = applyRemoteChanges(m, { select: async () => { throw new Error('down'); } }, silentLogger());
    await apply([event([{ entity: 'routes', op: 'create', id: 'x' }], 25)]);
    expect(m.invalidations).toBe(1);
    await apply([event([{ entity: 'routes', op: 'create', id: 'x' }])]);
    expect(m.invalidations).toBe(2);
    expect(m.applied).toEqual([]);
  });
});
