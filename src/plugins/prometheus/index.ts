/** prometheus: the plugin, `/metrics` on the Admin API and on the status listener. */
import { registerStartHook } from '../../gateway/hooks.js';
import { registerBundledPlugin } from '../registry.js';
import './aggregate.js';
import { metricsHandler } from './endpoints.js';
import { prometheusHandler } from './handler.js';
import { dropNodeMetrics, nodeMetrics } from './node-metrics.js';
import { prometheusSchema } from './schema.js';

registerBundledPlugin({ name: 'prometheus', schema: prometheusSchema, handler: prometheusHandler });

registerStartHook('plugin:prometheus', 500, (ctx, router, statusRouter) => {
  nodeMetrics(ctx.nodeId);
  router.on('GET', '/metrics', metricsHandler);
  statusRouter.on('GET', '/metrics', metricsHandler);
  return { stop: async () => dropNodeMetrics(ctx.nodeId) };
});
