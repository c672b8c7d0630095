/**
 * `GET /metrics` on the Admin API (Kong's prometheus api.lua) and on the status listener
 * (status_api.lua). The status listener serves only `/status`, `/status/ready`-style info
 * and `/metrics`, not the Admin API.
 */
import { createServer, type Server } from 'node:http';
import type { Listener } from '../../config/index.js';
import { registerInfoRoutes } from '../../admin/info.js';
import { AdminRouter, type AdminHandler } from '../../admin/router.js';
import { createAdminListener } from '../../admin/server.js';
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

/** Paths of the status API (everything else there is 404, as on Kong's status listener). */
const STATUS_PATHS = /^\/(status(\/.*)?|metrics)\/?$/;

/** A router with `/status` (the node's info routes) and `/metrics`, for the status listener. */
export function statusRouter(): AdminRouter {
  const router = new AdminRouter();
  registerInfoRoutes(router);
  router.on('GET', '/metrics', metricsHandler);
  return router;
}

export function makeStatusServer(ctx: GatewayContext, router: AdminRouter): (listener: Listener) => Server | null {
  const handle = createAdminListener(router, ctx);
  return (listener) => {
    // TLS status listeners need certificates this module does not own; the node skips them.
    if (listener.ssl) return null;
    return createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (!STATUS_PATHS.test(path)) {
        req.resume();
        const body = JSON.stringify({ message: 'Not found' });
        res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      handle(req, res);
    });
  };
}
