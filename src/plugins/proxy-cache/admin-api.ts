/**
 * Kong's proxy-cache Admin API (api.lua): purge everything, look up or purge one key in any
 * proxy-cache instance, or in one instance by plugin id. Entries live in the memory of the
 * process that served the request: with proxy workers, the primary (which runs the Admin API)
 * asks every worker and combines the answers; a purge reaches every worker of this node.
 * Nothing is shared with other nodes (Kong's memory strategy is per node as well).
 */
import type { AdminResponse, AdminRouter } from '../../admin/router.js';
import { registerWorkerQuery, workerFanout } from '../../cluster/worker-queries.js';
import type { GatewayContext } from '../../gateway/context.js';
import type { CachedResponse } from './memory-store.js';
import { nodeStore, pluginDictionary } from './node-stores.js';
import { KNOWN_DICTIONARIES } from './schema.js';

// Kong answers these 404s with kong.response.exit(404): no body.
const NOT_FOUND: AdminResponse = { status: 404 };
const NO_CONTENT: AdminResponse = { status: 204 };

export type PublicEntry = Omit<CachedResponse, 'raw' | 'storedAtMs'>;

/** The entry as Kong's Admin API shows it (the JSON it stored), without our private fields. */
export function publicEntry(entry: CachedResponse): PublicEntry {
  const { raw: _raw, storedAtMs: _at, ...rest } = entry;
  return rest;
}

/** Which entries an operation targets: a key in every area, or in one plugin instance's. */
export interface CacheTarget {
  key: string;
  pluginId?: string;
}

/** One process's answer: `unknown-plugin` when it does not know that proxy-cache instance. */
type Lookup = { entry: PublicEntry | null; unknownPlugin?: boolean };
type Removal = { deleted: boolean; unknownPlugin?: boolean };

function areasFor(nodeId: string, target: CacheTarget) {
  if (target.pluginId === undefined) return KNOWN_DICTIONARIES.map((name) => nodeStore(nodeId).area(name));
  const dictionary = pluginDictionary(target.pluginId);
  return dictionary ? [nodeStore(nodeId).area(dictionary)] : null;
}

export function lookupHere(nodeId: string, target: CacheTarget): Lookup {
  const areas = areasFor(nodeId, target);
  if (!areas) return { entry: null, unknownPlugin: true };
  for (const area of areas) {
    const entry = area.get(target.key);
    if (entry) return { entry: publicEntry(entry) };
  }
  return { entry: null };
}

export function removeHere(nodeId: string, target: CacheTarget): Removal {
  const areas = areasFor(nodeId, target);
  if (!areas) return { deleted: false, unknownPlugin: true };
  let deleted = false;
  for (const area of areas) if (area.delete(target.key)) deleted = true;
  return { deleted };
}

export function purgeHere(nodeId: string): void {
  nodeStore(nodeId).flushAll();
}

const TOPIC = { purge: 'proxy-cache:purge', lookup: 'proxy-cache:lookup', remove: 'proxy-cache:remove' } as const;
registerWorkerQuery(TOPIC.purge, (_p, ctx) => purgeHere(ctx.nodeId));
registerWorkerQuery(TOPIC.lookup, (p, ctx) => lookupHere(ctx.nodeId, p as CacheTarget));
registerWorkerQuery(TOPIC.remove, (p, ctx) => removeHere(ctx.nodeId, p as CacheTarget));

/** This process's answer plus, on a primary, every worker's. */
async function everywhere<T>(ctx: GatewayContext, topic: string, payload: unknown, here: () => T): Promise<T[]> {
  const own = here();
  const fanout = workerFanout(ctx);
  return fanout ? [own, ...(await fanout.ask<T>(topic, payload))] : [own];
}

async function lookupNode(ctx: GatewayContext, target: CacheTarget): Promise<AdminResponse> {
  const answers = await everywhere(ctx, TOPIC.lookup, target, () => lookupHere(ctx.nodeId, target));
  // Workers cache on their own: any worker holding the key answers for the node.
  const found = answers.find((a) => a.entry)?.entry;
  return found ? { status: 200, body: found } : NOT_FOUND;
}

async function removeNode(ctx: GatewayContext, target: CacheTarget): Promise<AdminResponse> {
  const answers = await everywhere(ctx, TOPIC.remove, target, () => removeHere(ctx.nodeId, target));
  return answers.some((a) => a.deleted) ? NO_CONTENT : NOT_FOUND;
}

export function registerProxyCacheRoutes(router: AdminRouter): void {
  router.on('DELETE', '/proxy-cache', async (_req, ctx) => {
    await everywhere(ctx, TOPIC.purge, null, () => purgeHere(ctx.nodeId));
    return NO_CONTENT;
  });
  router.on('GET', '/proxy-cache/:cache_key', (req, ctx) => lookupNode(ctx, { key: req.params.cache_key }));
  router.on('DELETE', '/proxy-cache/:cache_key', (req, ctx) => removeNode(ctx, { key: req.params.cache_key }));
  router.on('GET', '/proxy-cache/:plugin_id/caches/:cache_key', (req, ctx) => lookupNode(ctx, { key: req.params.cache_key, pluginId: req.params.plugin_id }));
  router.on('DELETE', '/proxy-cache/:plugin_id/caches/:cache_key', (req, ctx) => removeNode(ctx, { key: req.params.cache_key, pluginId: req.params.plugin_id }));
}
