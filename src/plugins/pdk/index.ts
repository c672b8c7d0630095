import type { Datastore } from '../../datastore/index.js';
import type { Logger } from '../../log.js';
import type { ProxyRequest } from '../../proxy/pipeline/request-state.js';
import type { Pdk, PdkCache, PdkCtx, PdkRouter } from '../types.js';
import { ClientPdk } from './client.js';
import { LogPdk } from './log.js';
import { RequestPdk } from './request.js';
import { ResponsePdk } from './response.js';
import { ServicePdk } from './service.js';

export { NodeCache } from './cache.js';
export { parseQuery, encodeQuery } from './query.js';
export { serializeRequest } from './serialize.js';

/** What the node provides to every PDK instance. */
export interface PdkNode {
  nodeId: string;
  cache: PdkCache;
  datastore: Datastore | null;
  configuration: Readonly<Record<string, unknown>>;
  log: Logger;
}

const EMPTY_CAPTURES: Readonly<Record<string, string>> = Object.freeze({});

/** One `kong` object per request, created only when a plugin runs for it. */
export function createPdk(r: ProxyRequest, node: PdkNode): Pdk {
  const router: PdkRouter = {
    getRoute: () => r.route,
    getService: () => r.service,
    getUriCaptures: () => r.match?.uriCaptures ?? EMPTY_CAPTURES,
  };
  const ctx: PdkCtx = {
    shared: r.shared,
    get plugin() {
      return r.pluginStore();
    },
  };
  return {
    request: new RequestPdk(r),
    client: new ClientPdk(r),
    service: new ServicePdk(r),
    response: new ResponsePdk(r),
    router,
    ctx,
    log: new LogPdk(r, node.log),
    nodeId: node.nodeId,
    cache: node.cache,
    snapshot: r.snapshot.entities,
    datastore: node.datastore,
    configuration: node.configuration,
    plugin: {
      getId: () => String(r.currentPlugin?.entity.id ?? ''),
      getName: () => r.currentPlugin?.name ?? '',
    },
    nginx: { ctx: r.nginxCtx },
  };
}
