import { describe, expect, it } from 'vitest';
import { registerCoreEntities } from '../schema/index.js';
import { buildSnapshot } from './build.js';
import { createSnapshotManager } from './manager.js';
import { patchRows } from './patch-rows.js';
import type { EntityRows } from './types.js';

registerCoreEntities();

const noPlugins = { handler: () => undefined };
const svcId = '11111111-1111-4111-8111-111111111111';
const svc = { id: svcId, name: 's', protocol: 'http', host: 'example.com', port: 80, path: null, enabled: true };
const routeId = (n: number) => `22222222-2222-4222-8222-${String(n).padStart(12, '0')}`;
const route = (n: number, path: string) => ({
  id: routeId(n), name: null, protocols: ['http', 'https'], paths: [path], methods: null, hosts: null, headers: null, snis: null,
  regex_priority: 0, strip_path: true, preserve_host: false, path_handling: 'v0', https_redirect_status_code: 426,
  created_at: 1, service: { id: svcId },
});
const req = (rawPath: string) => ({ method: 'GET', scheme: 'http' as const, host: 'x', port: 8000, rawPath, headers: {} });

function initialRows(): EntityRows {
  return { services: [svc], routes: [route(1, '/a'), route(2, '/b'), route(3, '/c')], plugins: [] };
}

describe('patchRows', () => {
  it('applies creates, updates and deletes in order, keeping untouched rows and lists', () => {
    const rows = initialRows();
    const out = patchRows(rows, [
      { entity: 'routes', op: 'update', id: routeId(1), row: route(1, '/a2') },
      { entity: 'routes', op: 'delete', id: routeId(2) },
      { entity: 'routes', op: 'create', id: routeId(4), row: route(4, '/d') },
      { entity: 'routes', op: 'update', id: routeId(4), row: route(4, '/d2') },
    ]);
    expect(out.routes.map((r) => r.paths)).toEqual([['/a2'], ['/c'], ['/d2']]);
    expect(out.routes[1]).toBe(rows.routes[2]);
    expect(out.services).toBe(rows.services);
  });
});

describe('incremental snapshot builds', () => {
  it('reach the same version and matches as a full build of the same rows', () => {
    const first = buildSnapshot(initialRows(), { plugins: noPlugins }).snapshot;
    const patched = buildSnapshot(
      patchRows(first.rows, [
        { entity: 'routes', op: 'update', id: routeId(2), row: route(2, '/b2') },
        { entity: 'routes', op: 'create', id: routeId(5), row: route(5, '/e') },
      ]),
      { plugins: noPlugins, previous: first },
    ).snapshot;
    const full = buildSnapshot(
      { services: [svc], routes: [route(5, '/e'), route(1, '/a'), route(2, '/b2'), route(3, '/c')], plugins: [] },
      { plugins: noPlugins },
    ).snapshot;
    expect(patched.version).toBe(full.version);
    expect(patched.version).not.toBe(first.version);
    for (const path of ['/a', '/b', '/b2/x', '/c', '/e']) {
      expect(patched.router.match(req(path))?.route.id ?? null).toBe(full.router.match(req(path))?.route.id ?? null);
    }
    expect(patched.router.match(req('/b'))).toBeNull();
    // The old snapshot still answers with its own configuration.
    expect(first.router.match(req('/b'))?.route.id).toBe(routeId(2));
  });

  it('reuses the router, plugin index and certificates when their rows did not change', () => {
    const first = buildSnapshot(initialRows(), { plugins: noPlugins }).snapshot;
    const next = buildSnapshot(patchRows(first.rows, [{ entity: 'consumers', op: 'create', id: 'c1', row: { id: 'c1', username: 'u' } }]), {
      plugins: noPlugins,
      previous: first,
    }).snapshot;
    expect(next.router).toBe(first.router);
    expect(next.plugins).toBe(first.plugins);
    expect(next.certificates).toBe(first.certificates);
    expect(next.entities.getConsumer('u')?.id).toBe('c1');
  });

  it('shares equal rows of a full reload with the previous snapshot', () => {
    const first = buildSnapshot(initialRows(), { plugins: noPlugins }).snapshot;
    const reloaded = buildSnapshot(structuredClone(initialRows()) as EntityRows, { plugins: noPlugins, previous: first }).snapshot;
    expect(reloaded.rows.routes).toBe(first.rows.routes);
    expect(reloaded.router).toBe(first.router);
    expect(reloaded.version).toBe(first.version);
  });
});

describe('SnapshotManager.applyChange', () => {
  it('patches a burst of changes in one swap without reading the source, and exposes it as pending', async () => {
    let loads = 0;
    const m = createSnapshotManager(initialRows(), { plugins: noPlugins, source: async () => (loads++, initialRows()), persistPrefix: null, debounceMs: 1 });
    let swaps = 0;
    m.onSwap(() => swaps++);
    m.applyChange({ entity: 'routes', op: 'create', id: routeId(7), row: route(7, '/new') });
    m.applyChange({ entity: 'routes', op: 'delete', id: routeId(1) });
    expect(m.pending()).not.toBeNull();
    await m.pending();
    expect(loads).toBe(0);
    expect(swaps).toBe(1);
    expect(m.current().router.match(req('/new'))?.route.id).toBe(routeId(7));
    expect(m.current().router.match(req('/a'))).toBeNull();
    expect(m.pending()).toBeNull();
    await m.stop();
  });

  it('reads the source when a change does not carry its row', async () => {
    let loads = 0;
    const m = createSnapshotManager(initialRows(), {
      plugins: noPlugins,
      source: async () => (loads++, { ...initialRows(), routes: [route(9, '/from-db')] }),
      persistPrefix: null,
      debounceMs: 1,
    });
    m.applyChange({ entity: 'routes', op: 'update', id: routeId(9) });
    await m.pending();
    expect(loads).toBe(1);
    expect(m.current().router.match(req('/from-db'))?.route.id).toBe(routeId(9));
    await m.stop();
  });
});
