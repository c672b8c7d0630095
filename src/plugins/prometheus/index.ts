/** prometheus: the plugin, `/metrics` on the Admin API, and the status listener serving it. */
import { registerStartHook } from '../../gateway/hooks.js';
import { registerBundledPlugin } from '../registry.js';
import { makeStatusServer, metricsHandler, statusRouter } from './endpoints.js';
import { prometheusHandler } from './handler.js';
import { dropNodeMetrics, nodeMetrics } from './node-metrics.js';
import { prometheusSchema } from './schema.js';

registerBundledPlugin({ name: 'prometheus', schema: prometheusSchema, handler: prometheusHandler });

registerStartHook('plugin:prometheus', 500, (ctx, router) => {
  nodeMetrics(ctx.nodeId);
  router.on('GET', '/metrics', metricsHandler);
  return {
    makeStatusServer: makeStatusServer(ctx, statusRouter()),
    stop: async () => dropNodeMetrics(ctx.nodeId),
  };
});
