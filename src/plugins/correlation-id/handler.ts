/**
 * correlation-id (Kong's kong/plugins/correlation-id/handler.lua, priority 100001): makes
 * sure the upstream request carries an id header, logs it, and optionally echoes it back.
 */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Pdk, PluginHandler } from '../types.js';
import { type TrackerFacts, generate } from './generators.js';
import type { CorrelationIdConfig } from './schema.js';

const ID = 'correlation_id';

/**
 * nginx's $server_addr/$connection/$connection_requests are not in the PDK; the runner may
 * expose them on kong.nginx.ctx (server_addr, connection, connection_requests).
 */
function trackerFacts(kong: Pdk): TrackerFacts {
  const n = kong.nginx.ctx;
  return {
    serverAddr: String(n.server_addr ?? n.serverAddr ?? ''),
    serverPort: kong.request.getPort(),
    pid: process.pid,
    connection: (n.connection as number | undefined) ?? '',
    connectionRequests: (n.connection_requests as number | undefined) ?? '',
    now: Date.now() / 1000,
  };
}

function access(kong: Pdk, conf: CorrelationIdConfig): void {
  let id = kong.request.getHeader(conf.header_name);
  if (id === undefined || id === '') {
    id = generate(conf.generator, () => trackerFacts(kong));
    kong.service.request.setHeader(conf.header_name, id);
  }
  kong.log.setSerializeValue(ID, id);
  if (conf.echo_downstream) kong.ctx.plugin[ID] = id;
}

function headerFilter(kong: Pdk, conf: CorrelationIdConfig): void {
  if (!conf.echo_downstream) return;
  let id = (kong.ctx.plugin[ID] as string | undefined) ?? kong.request.getHeader(conf.header_name);
  // The access phase did not run (e.g. an earlier plugin answered): Kong makes one up here.
  if (id === undefined || id === '') id = generate(conf.generator, () => trackerFacts(kong));
  kong.response.setHeader(conf.header_name, id);
}

export const correlationIdHandler: PluginHandler<CorrelationIdConfig> = {
  name: 'correlation-id',
  priority: 100001,
  version: KONG_COMPAT_VERSION,
  phases: { access, headerFilter },
};
