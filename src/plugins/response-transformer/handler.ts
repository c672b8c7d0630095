/**
 * response-transformer (Kong's kong/plugins/response-transformer, priority 800): changes
 * response headers in headerFilter and JSON bodies in bodyFilter.
 */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Pdk, PluginHandler } from '../types.js';
import type { ResponseTransformerConfig } from './schema.js';
import { hasBodyTransform, isJsonBody, transformJsonBody, transformResponseHeaders } from './transform.js';

interface Compiled extends ResponseTransformerConfig {
  readonly _body: boolean;
}

function headerFilter(kong: Pdk, conf: Compiled): void {
  // Kong reads the headers once, before any change (its `headers` table is a snapshot).
  const before = kong.response.getHeaders();
  transformResponseHeaders(
    conf,
    {
      get: (name) => before[name.toLowerCase()],
      set: (name, value) => kong.response.setHeader(name, value),
      add: (name, value) => kong.response.addHeader(name, value),
      clear: (name) => kong.response.clearHeader(name),
    },
    conf._body && isJsonBody(firstValue(before['content-type'])),
  );
}

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function bodyFilter(kong: Pdk, conf: Compiled): void {
  if (!conf._body || !isJsonBody(kong.response.getHeader('content-type'))) return;
  const raw = kong.response.getRawBody();
  const result = transformJsonBody(conf, raw ? raw.toString('utf8') : '');
  if ('error' in result) {
    kong.log.warn(`body transform failed: ${result.error}`);
    return;
  }
  kong.response.setRawBody(result.body);
}

function configure(conf: ResponseTransformerConfig): Compiled {
  return { ...conf, _body: hasBodyTransform(conf) };
}

export const responseTransformerHandler: PluginHandler<Compiled> = {
  name: 'response-transformer',
  priority: 800,
  version: KONG_COMPAT_VERSION,
  configure: configure as unknown as PluginHandler<Compiled>['configure'],
  phases: { headerFilter, bodyFilter },
};
