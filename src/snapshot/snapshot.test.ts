import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntityIndex } from './entity-index.js';
import { hashEntities } from './hash.js';
import { createSnapshotManager } from './manager.js';
import { persistSnapshot, readPersistedSnapshot } from './persist.js';
import type { EntityRows } from './types.js';

const svc = { id: '11111111-1111-4111-8111-111111111111', name: 's', protocol: 'http', host: 'example.com', port: 80, path: null, enabled: true };
const route = (id: string, path: string) => ({
  id, name: null, protocols: ['http', 'https'], paths: [path], methods: null, hosts: null, headers: null, snis: null,
  regex_priority: 0, strip_path: true, preserve_host: false, path_handling: 'v0', https_redirect_status_code: 426,
  created_at: 1, service: { id: svc.id },
});

const noPlugins = { handler: () => undefined };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('hashEntities', () => {
  it('is independent of row and key order, and changes with content', () => {
    const a = hashEntities({ services: [svc, { ...svc, id: 'b' }] });
    const b = hashEntities({ services: [{ ...svc, id: 'b' }, Object.fromEntries(Object.entries(svc).reverse())] });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(hashEntities({ services: [{ ...svc, port: 81 }] })).not.toBe(hashEntities({ services: [svc] }));
    expect(hashEntities({ services: [] })).toBe('0'.repeat(32));
  });
});

describe('EntityIndex', () => {
  it('finds rows by id, field and foreign key, and consumers by id or username', () => {
    const index = new EntityIndex('v', {
      consumers: [{ id: 'c1', username: 'alice' }],
      keyauth_credentials: [{ id: 'k1', key: 'secret', consumer: { id: 'c1' } }, { id: 'k2', key: 'other', consumer: { id: 'c1' } }],
    });
    expect(index.findCredential('keyauth_credentials', 'key', 'secret')?.id).toBe('k1');
    expect(index.findCredential('keyauth_credentials', 'key', 'nope')).toBeUndefined();
    expect(index.findAll('keyauth_credentials', 'consumer', { id: 'c1' }).map((r) => r.id)).toEqual(['k1', 'k2']);
    expect(index.getConsumer('alice')?.id).toBe('c1');
    expect(index.getConsumer('c1')?.username).toBe('alice');
    expect(index.all('nothing')).toEqual([]);
  });
});

describe('SnapshotManager', () => {
  it('builds a frozen snapshot whose router matches, and swaps on load', () => {
    const m = createSnapshotManager({ services: [svc], routes: [route('22222222-2222-4222-8222-222222222222', '/a')] }, { plugins: noPlugins, source: null, persistPrefix: null });
    const first = m.current();
    expect(Object.isFrozen(first.rows.services[0])).toBe(true);
    const req = { method: 'GET', scheme: 'http' as const, host: 'x', port: 8000, rawPath: '/a/b', headers: {} };
    expect(first.router.match(req)?.route.id).toBe('22222222-2222-4222-8222-222222222222');
    const swaps: string[] = [];
    m.onSwap((next) => swaps.push(next.version));
    m.load({ services: [svc], routes: [route('22222222-2222-4222-8222-222222222222', '/b')] });
    expect(m.current().router.match(req)).toBeNull();
    expect(swaps).toEqual([m.current().version]);
    expect(m.current().version).not.toBe(first.version);
  });

  it('coalesces invalidations into one rebuild and exposes the pending promise until it is in force', async () => {
    let loads = 0;
    let rows: EntityRows = { services: [svc] };
    const m = createSnapshotManager({}, { plugins: noPlugins, source: async () => (loads++, rows), persistPrefix: null, debounceMs: 1 });
    expect(m.pending()).toBeNull();
    rows = { services: [svc, { ...svc, id: 'second' }] };
    m.invalidate();
    m.invalidate();
    m.invalidate();
    const pending = m.pending();
    expect(pending).not.toBeNull();
    await pending;
    expect(loads).toBe(1);
    expect(m.current().rows.services).toHaveLength(2);
    expect(m.pending()).toBeNull();
    await m.stop();
  });

  it('keeps the last good snapshot when a rebuild fails', async () => {
    const m = createSnapshotManager({ services: [svc] }, { plugins: noPlugins, source: async () => { throw new Error('db down'); }, persistPrefix: null, debounceMs: 1 });
    const before = m.current().version;
    m.invalidate();
    await m.pending();
    expect(m.current().version).toBe(before);
    await m.stop();
  });
});

describe('snapshot.json', () => {
  it('round-trips the rows and names the file when it is damaged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-'));
    dirs.push(dir);
    expect(readPersistedSnapshot(dir)).toBeNull();
    await persistSnapshot(dir, 'abc', { services: [svc] });
    expect(readPersistedSnapshot(dir)?.rows.services[0].host).toBe('example.com');
    writeFileSync(join(dir, 'snapshot.json'), '{not json');
    expect(() => readPersistedSnapshot(dir)).toThrow(/snapshot\.json is not a valid snapshot/);
  });

  it('is written after a swap when a prefix is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-'));
    dirs.push(dir);
    const m = createSnapshotManager({ services: [svc] }, { plugins: noPlugins, source: null, persistPrefix: dir });
    await m.stop();
    expect(readPersistedSnapshot(dir)?.version).toBe(m.current().version);
  });
});
