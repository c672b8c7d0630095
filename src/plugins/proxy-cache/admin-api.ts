/**
 * Kong's proxy-cache Admin API (api.lua): purge everything, look up or purge one key in any
 * proxy-cache instance, or in one instance by plugin id. Entries are this node's memory.
 */
import type { AdminResponse, AdminRouter } from '../../admin/router.js';
import type { GatewayContext } from '../../gateway/context.js';
import type { CachedResponse } from './memory-store.js';
import { nodeStore, pluginDictionary } from './node-stores.js';
import { KNOWN_DICTIONARIES } from './schema.js';

// Kong answers these 404s with kong.response.exit(404): no body.
const NOT_FOUND: AdminResponse = { status: 404 };
const NO_CONTENT: AdminResponse = { status: 204 };

/** The entry as Kong's Admin API shows it (the JSON it stored), without our private fields. */
export function publicEntry(entry: CachedResponse): Omit<CachedResponse, 'raw' | 'storedAtMs'> {
  const { raw: _raw, storedAtMs: _at, ...rest } = entry;
  return rest;
}

/** Answers whether a plugin id names a proxy-cache instance, and where it stores. */
export type PluginLookup = (ctx: GatewayContext, pluginId: string) => Promise<string | undefined> | string | undefined;

const defaultLookup: PluginLookup = (_ctx, pluginId) => pluginDictionary(pluginId);

export function registerProxyCacheRoutes(router: AdminRouter, lookup: PluginLookup = defaultLookup): void {
  const areasOf = (ctx: GatewayContext) => KNOWN_DICTIONARIES.map((name) => nodeStore(ctx.nodeId).area(name));

  router.on('DELETE', '/proxy-cache', (_req, ctx) => {
    nodeStore(ctx.nodeId).flushAll();
    return NO_CONTENT;
  });

  router.on('GET', '/proxy-cache/:cache_key', (req, ctx) => {
    for (const area of areasOf(ctx)) {
      const entry = area.get(req.params.cache_key);
      if (entry) return { status: 200, body: publicEntry(entry) };
    }
    return NOT_FOUND;
  });

  router.on('DELETE', '/proxy-cache/:cache_key', (req, ctx) => {
    for (const area of areasOf(ctx)) if (area.delete(req.params.cache_key)) return NO_CONTENT;
    return NOT_FOUND;
  });

  router.on('GET', '/proxy-cache/:plugin_id/caches/:cache_key', async (req, ctx) => {
    const dictionary = await lookup(ctx, req.params.plugin_id);
    if (!dictionary) return NOT_FOUND;
    const entry = nodeStore(ctx.nodeId).area(dictionary).get(req.params.cache_key);
    return entry ? { status: 200, body: publicEntry(entry) } : NOT_FOUND;
  });

  router.on('DELETE', '/proxy-cache/:plugin_id/caches/:cache_key', async (req, ctx) => {
    const dictionary = await lookup(ctx, req.params.plugin_id);
    if (!dictionary) return NOT_FOUND;
    return nodeStore(ctx.nodeId).area(dictionary).delete(req.params.cache_key) ? NO_CONTENT : NOT_FOUND;
  });
}
