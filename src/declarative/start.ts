/**
 * The declarative module's start hook: `/config` on every node (400 unless DB-less) and, with
 * `database = off`, the initial configuration, the `declarative` state behind `POST /config`,
 * and the snapshot-backed `entityReader` the DAO reads Admin API GETs from.
 */
import { registerConfigRoutes } from '../admin/declarative.js';
import { getService, type GatewayContext } from '../gateway/context.js';
import { registerStartHook } from '../gateway/hooks.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { createSnapshotManager, type SnapshotManager } from '../snapshot/manager.js';
import { availablePluginNames, configurationHash, createDeclarativeState, initialDeclarative } from './dbless.js';
import { saveDeclarative } from './persist.js';
import { snapshotEntityReader } from './snapshot-reader.js';

/** After the proxy hook (200) registered the snapshot manager; listeners bind after every hook. */
export const DECLARATIVE_HOOK_ORDER = 250;

/**
 * The snapshot manager the proxy reads. The snapshot module normally registers it; when it has
 * not (yet), a DB-less node still needs one, so it is created here from the same factory.
 */
function snapshotManagerOf(ctx: GatewayContext): SnapshotManager {
  const existing = getService<SnapshotManager>(ctx, 'snapshot');
  if (existing) return existing;
  const plugins = getService<PluginRegistry>(ctx, 'plugins') ?? { handler: () => undefined };
  const manager = createSnapshotManager({}, { plugins, source: null, persistPrefix: null, log: ctx.log });
  ctx.services.set('snapshot', manager);
  return manager;
}

export async function startDeclarative(ctx: GatewayContext, router: Parameters<typeof registerConfigRoutes>[0]) {
  if (ctx.config.database !== 'off') {
    registerConfigRoutes(router, null);
    return;
  }
  const available = () => availablePluginNames(ctx);
  const initial = initialDeclarative(ctx.config, available());
  const manager = snapshotManagerOf(ctx);
  let loaded = initial.rows !== null;
  if (initial.rows) manager.load(initial.rows);
  if (initial.config) await saveDeclarative(ctx.config.prefix, initial.config.hash, initial.config.rows);
  ctx.log.info({ source: initial.source }, `DB-less mode: configuration loaded from ${initial.source}`);

  const state = createDeclarativeState({ manager, prefix: ctx.config.prefix, available, log: ctx.log, initialHash: initial.hash });
  const load = state.load;
  state.load = async (input) => {
    const result = await load(input);
    loaded = true;
    return result;
  };
  ctx.services.set('declarative', state);
  ctx.services.set('entityReader', snapshotEntityReader(() => manager.current().rows));
  if (!ctx.services.has('configurationHash')) ctx.services.set('configurationHash', configurationHash(manager, () => loaded));
  registerConfigRoutes(router, state);
}

registerStartHook('declarative', DECLARATIVE_HOOK_ORDER, (ctx, router) => startDeclarative(ctx, router));
