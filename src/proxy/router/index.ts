/** The proxy router: Kong's traditional_compatible route matching over one config snapshot. */
export { compileRouter } from './compile-router.js';
export { normalizeRequestPath } from './normalize-path.js';
export { escapeUpstreamPath } from './escape-path.js';
export { buildUpstreamPath, type UpstreamPathInput } from './upstream-path.js';
export type {
  PathHandling,
  RouteInput,
  RouteMatch,
  RouteNet,
  Router,
  RouterOptions,
  RouterRequest,
  RouteSkip,
  ServiceInput,
} from './types.js';
