import { compileRouter, type RouteInput, type Router, type ServiceInput } from '../proxy/router/index.js';
import type { Row } from '../plugins/types.js';

export type ProxyRouter = Router;

/** The service of each id, kept per (frozen, shared) services list: a route-only change does not rebuild it. */
const servicesById = new WeakMap<readonly Row[], Map<string, ServiceInput>>();

function serviceMap(services: readonly Row[]): Map<string, ServiceInput> {
  let byId = servicesById.get(services);
  if (!byId) {
    byId = new Map<string, ServiceInput>(services.map((s) => [s.id as string, s as unknown as ServiceInput]));
    if (Object.isFrozen(services)) servicesById.set(services, byId);
  }
  return byId;
}

/**
 * Compiles the snapshot's routes; the router module owns Kong's matching rules. `previous` (the
 * router being replaced) lets unchanged routes keep their compiled form and order.
 */
export function buildRouter(routes: readonly Row[], services: readonly Row[], previous?: ProxyRouter): ProxyRouter {
  return compileRouter(routes as unknown as RouteInput[], serviceMap(services), { previous });
}
