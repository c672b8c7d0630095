/** proxy-cache: registers the plugin and its Admin API endpoints. */
import { registerStartHook } from '../../gateway/hooks.js';
import { registerBundledPlugin } from '../registry.js';
import { registerProxyCacheRoutes } from './admin-api.js';
import { proxyCacheHandler } from './handler.js';
import { closeNodeStore, openNodeStore } from './node-stores.js';
import { proxyCacheSchema } from './schema.js';

registerBundledPlugin({ name: 'proxy-cache', schema: proxyCacheSchema, handler: proxyCacheHandler });

registerStartHook('plugin:proxy-cache', 500, (ctx, router) => {
  openNodeStore(ctx.nodeId, ctx.config.mem_cache_size as string);
  registerProxyCacheRoutes(router);
  return { stop: async () => closeNodeStore(ctx.nodeId) };
});
