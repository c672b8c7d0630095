import type { Server } from 'node:net';
import type { RequestListener } from 'node:http';
import type { Listener } from '../config/index.js';
import type { AdminRouter } from '../admin/router.js';
import type { GatewayContext } from './context.js';

/**
 * Modules that join the node at start (Admin API entities, snapshot, proxy, plugins, cluster)
 * register a start hook here instead of the node importing each of them by name.
 */
export interface StartHookResult {
  stop?: () => Promise<void>;
  makeProxyServer?: (listener: Listener) => Server | null;
  makeAdminServer?: (listener: Listener, handler: RequestListener) => Server | null;
  /**
   * Deprecated: add routes to the status router (third hook argument) instead; the node serves
   * it on every `status_listen` entry, plain or ssl. Still honoured when a hook returns it.
   */
  makeStatusServer?: (listener: Listener) => Server | null;
}

/**
 * `adminRouter` is served on `admin_listen`; `statusRouter` on `status_listen` (it already has
 * `GET /status`; modules add theirs, e.g. prometheus's `/metrics`).
 */
export type StartHook = (ctx: GatewayContext, adminRouter: AdminRouter, statusRouter: AdminRouter) => Promise<StartHookResult | void> | StartHookResult | void;

const hooks: { name: string; order: number; hook: StartHook }[] = [];

/** Lower `order` runs first (datastore-backed services before the proxy that reads them). */
export function registerStartHook(name: string, order: number, hook: StartHook): void {
  if (hooks.some((h) => h.name === name)) return;
  hooks.push({ name, order, hook });
  hooks.sort((a, b) => a.order - b.order);
}

export async function runStartHooks(ctx: GatewayContext, adminRouter: AdminRouter, statusRouter: AdminRouter) {
  const stop: (() => Promise<void>)[] = [];
  const merged: Omit<StartHookResult, 'stop'> = {};
  for (const { hook } of hooks) {
    const result = await hook(ctx, adminRouter, statusRouter);
    if (!result) continue;
    if (result.stop) stop.push(result.stop);
    merged.makeProxyServer = result.makeProxyServer ?? merged.makeProxyServer;
    merged.makeAdminServer = result.makeAdminServer ?? merged.makeAdminServer;
    merged.makeStatusServer = result.makeStatusServer ?? merged.makeStatusServer;
  }
  return { stop, ...merged };
}
