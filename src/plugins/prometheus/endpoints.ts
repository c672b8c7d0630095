/**
 * `GET /metrics` on the Admin API (Kong's prometheus api.lua) and on the status listener
 * (status_api.lua); the node serves the status router on every status_listen entry.
 */
import type { AdminHandler } from '../../admin/router.js';
import { getService, type GatewayContext } from '../../gateway/context.js';
import type { PluginRegistry } from '../registry.js';
import { renderMetrics } from './collect.js';

/** Kong serves /metrics only when the prometheus plugin is available on the node. */
function available(ctx: GatewayContext): boolean {
  const registry = getService<PluginRegistry>(ctx, 'plugins');
  return !registry || typeof registry.isAvailable !== 'function' || registry.isAvailable('prometheus');
}

export const metricsHandler: AdminHandler = async (_req, ctx) => {
  if (!available(ctx)) return { status: 404, body: { message: 'Not found' } };
  const { contentType, body } = await renderMetrics(ctx);
  return { status: 200, body, headers: { 'Content-Type': contentType } };
};
