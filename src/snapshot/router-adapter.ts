import { compileRouter, type RouteInput, type Router, type ServiceInput } from '../proxy/router/index.js';
import type { Row } from '../plugins/types.js';

export type ProxyRouter = Router;

/** Compiles the snapshot's routes; the router module owns Kong's matching rules. */
export function buildRouter(routes: readonly Row[], services: readonly Row[]): ProxyRouter {
  const byId = new Map<string, ServiceInput>(services.map((s) => [s.id as string, s as unknown as ServiceInput]));
  return compileRouter(routes as unknown as RouteInput[], byId);
}
