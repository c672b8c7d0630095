/**
 * cors (Kong's kong/plugins/cors/handler.lua, priority 2000): answers preflight requests
 * itself (unless preflight_continue) and adds CORS headers to every other response.
 */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Pdk, PluginHandler } from '../types.js';
import { type OriginRule, compileOriginRules, isLiteralOrigin, matchOrigin, normalizeOrigin } from './origins.js';
import { CORS_METHODS, type CorsConfig } from './schema.js';

interface Compiled extends CorsConfig {
  readonly _allowAll: boolean;
  /** The one configured origin, sent as is (no regex characters). */
  readonly _literal?: string;
  /** A `*` among several origins: Kong then allows any origin the client sends. */
  readonly _hasStar: boolean;
  readonly _rules: readonly OriginRule[];
  readonly _methods: string;
  readonly _headers?: string;
  readonly _exposed?: string;
  readonly _maxAge?: string;
}

const SKIP = 'skip_response_headers';

function present(origin: string | undefined): origin is string {
  return origin !== undefined && origin !== '';
}

function addVary(kong: Pdk, inHeaderFilter: boolean): void {
  if (inHeaderFilter) kong.response.addHeader('Vary', 'Origin');
  else kong.response.setHeader('Vary', 'Origin');
}

/** Sets Access-Control-Allow-Origin; true when it is `*` (everything allowed). */
function configureOrigin(kong: Pdk, conf: Compiled, inHeaderFilter: boolean, origin: string | undefined): boolean {
  if (conf._allowAll) {
    kong.response.setHeader('Access-Control-Allow-Origin', '*');
    return true;
  }
  // Always vary on Origin when the answer depends on it (caches key on Vary).
  addVary(kong, inHeaderFilter);
  if (conf._literal !== undefined) {
    kong.response.setHeader('Access-Control-Allow-Origin', conf._literal);
    return false;
  }
  if (present(origin)) {
    if (conf._hasStar) {
      kong.response.setHeader('Access-Control-Allow-Origin', '*');
      return true;
    }
    const normalized = normalizeOrigin(origin);
    if (matchOrigin(conf._rules, normalized)) {
      kong.response.setHeader('Access-Control-Allow-Origin', normalized.domain);
      return false;
    }
  }
  kong.response.clearHeader('Access-Control-Allow-Origin');
  return false;
}

function configureCredentials(kong: Pdk, conf: Compiled, allowAll: boolean, inHeaderFilter: boolean, origin: string | undefined): void {
  if (!conf.credentials) return;
  if (!allowAll) {
    kong.response.setHeader('Access-Control-Allow-Credentials', 'true');
    return;
  }
  // Browsers refuse credentials with `*`, so Kong echoes the origin instead.
  if (present(origin)) {
    addVary(kong, inHeaderFilter);
    kong.response.setHeader('Access-Control-Allow-Origin', origin);
    kong.response.setHeader('Access-Control-Allow-Credentials', 'true');
  }
}

function access(kong: Pdk, conf: Compiled): void {
  const origin = kong.request.getHeader('origin');
  if (kong.request.getMethod() !== 'OPTIONS' || !present(origin) || !kong.request.getHeader('access-control-request-method')) return;
  // Either the upstream answers the preflight or we answer it whole: no headers added later.
  kong.ctx.plugin[SKIP] = true;
  if (conf.preflight_continue) return;

  const allowAll = configureOrigin(kong, conf, false, origin);
  configureCredentials(kong, conf, allowAll, false, origin);
  if (conf._headers !== undefined) kong.response.setHeader('Access-Control-Allow-Headers', conf._headers);
  else {
    const requested = kong.request.getHeader('access-control-request-headers');
    if (requested !== undefined) kong.response.setHeader('Access-Control-Allow-Headers', requested);
    else kong.response.clearHeader('Access-Control-Allow-Headers');
  }
  kong.response.setHeader('Access-Control-Allow-Methods', conf._methods);
  if (conf._maxAge !== undefined) kong.response.setHeader('Access-Control-Max-Age', conf._maxAge);
  if (conf.private_network && kong.request.getHeader('access-control-request-private-network') === 'true') {
    kong.response.setHeader('Access-Control-Allow-Private-Network', 'true');
  }
  kong.response.exit(200);
}

function headerFilter(kong: Pdk, conf: Compiled): void {
  if (kong.ctx.plugin[SKIP]) return;
  const origin = kong.request.getHeader('origin');
  if (!present(origin) && !conf.allow_origin_absent) return;
  const allowAll = configureOrigin(kong, conf, true, origin);
  configureCredentials(kong, conf, allowAll, true, origin);
  if (conf._exposed !== undefined) kong.response.setHeader('Access-Control-Expose-Headers', conf._exposed);
}

function configure(conf: CorsConfig): Compiled {
  const origins = conf.origins ?? [];
  const allowAll = origins.length === 0 || (origins.length === 1 && origins[0] === '*');
  return {
    ...conf,
    _allowAll: allowAll,
    _literal: origins.length === 1 && isLiteralOrigin(origins[0]) ? origins[0] : undefined,
    _hasStar: origins.includes('*'),
    _rules: compileOriginRules(origins.filter((o) => o !== '*')),
    _methods: (conf.methods ?? CORS_METHODS).join(','),
    _headers: conf.headers && conf.headers.length > 0 ? conf.headers.join(',') : undefined,
    _exposed: conf.exposed_headers && conf.exposed_headers.length > 0 ? conf.exposed_headers.join(',') : undefined,
    _maxAge: conf.max_age === null || conf.max_age === undefined ? undefined : String(conf.max_age),
  };
}

export const corsHandler: PluginHandler<Compiled> = {
  name: 'cors',
  priority: 2000,
  version: KONG_COMPAT_VERSION,
  configure: configure as unknown as PluginHandler<Compiled>['configure'],
  phases: { access, headerFilter },
};
