/** Builders for router tests: Kong's defaults for every field a test does not set. */
import { compileRouter } from './compile-router.js';
import type { RouteInput, Router, RouterOptions, RouterRequest, ServiceInput } from './types.js';

let counter = 0;
// Every service a test made, so a route reused across routers still finds its service.
const knownServices = new Map<string, ServiceInput>();

/** A UUID-shaped id whose order follows `n` (ids decide ties between equal priorities). */
export function idFor(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function makeService(overrides: Partial<ServiceInput> = {}): ServiceInput {
  const service: ServiceInput = { id: idFor(0xfff000000 + ++counter), protocol: 'http', host: 'upstream.test', port: 80, path: null, enabled: true, ...overrides };
  knownServices.set(service.id, service);
  return service;
}

export function makeRoute(overrides: Partial<RouteInput> = {}): RouteInput {
  return {
    id: idFor(++counter),
    protocols: ['http', 'https'],
    regex_priority: 0,
    strip_path: true,
    preserve_host: false,
    path_handling: 'v0',
    https_redirect_status_code: 426,
    created_at: 1_700_000_000,
    ...overrides,
  };
}

export function makeRequest(overrides: Partial<RouterRequest> = {}): RouterRequest {
  return { method: 'GET', scheme: 'http', host: 'example.com', port: 8000, rawPath: '/', headers: {}, ...overrides };
}

/** Compiles routes; every route gets its own service unless it already names one. */
export function routerFor(routes: RouteInput[], services: ServiceInput[] = [], options?: RouterOptions): Router {
  const map = new Map(knownServices);
  for (const s of services) map.set(s.id, s);
  for (const route of routes) {
    if (route.service === undefined) {
      const service = makeService();
      map.set(service.id, service);
      route.service = { id: service.id };
    }
  }
  return compileRouter(routes, map, options);
}
