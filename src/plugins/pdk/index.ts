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

class RouterPdk implements PdkRouter {
  constructor(private readonly r: ProxyRequest) {}
  getRoute() {
    return this.r.route;
  }
  getService() {
    return this.r.service;
  }
  getUriCaptures() {
    return this.r.match?.uriCaptures ?? EMPTY_CAPTURES;
  }
}

class CtxPdk implements PdkCtx {
  constructor(private readonly r: ProxyRequest) {}
  get shared() {
    return this.r.shared;
  }
  get plugin() {
    return this.r.pluginStore();
  }
}

class PluginInfoPdk {
  constructor(private readonly r: ProxyRequest) {}
  getId() {
    return String(this.r.currentPlugin?.entity.id ?? '');
  }
  getName() {
    return this.r.currentPlugin?.name ?? '';
  }
}

/**
 * The `kong` object of one request. Its namespaces are made on first use: a request through
 * key-auth and rate-limiting touches four of ten, and each one made is garbage to collect.
 */
class RequestPdkRoot implements Pdk {
  readonly nodeId: string;
  readonly cache: PdkCache;
  readonly snapshot: Pdk['snapshot'];
  readonly datastore: Datastore | null;
  readonly configuration: Readonly<Record<string, unknown>>;
  private requestPdk: RequestPdk | null = null;
  private clientPdk: ClientPdk | null = null;
  private servicePdk: ServicePdk | null = null;
  private responsePdk: ResponsePdk | null = null;
  private routerPdk: RouterPdk | null = null;
  private ctxPdk: CtxPdk | null = null;
  private logPdk: LogPdk | null = null;
  private pluginPdk: PluginInfoPdk | null = null;
  private nginxPdk: { ctx: Record<string, unknown> } | null = null;

  constructor(
    private readonly r: ProxyRequest,
    private readonly node: PdkNode,
  ) {
    this.nodeId = node.nodeId;
    this.cache = node.cache;
    this.snapshot = r.snapshot.entities;
    this.datastore = node.datastore;
    this.configuration = node.configuration;
  }

  get request() {
    return (this.requestPdk ??= new RequestPdk(this.r));
  }
  get client() {
    return (this.clientPdk ??= new ClientPdk(this.r));
  }
  get service() {
    return (this.servicePdk ??= new ServicePdk(this.r));
  }
  get response() {
    return (this.responsePdk ??= new ResponsePdk(this.r));
  }
  get router() {
    return (this.routerPdk ??= new RouterPdk(this.r));
  }
  get ctx() {
    return (this.ctxPdk ??= new CtxPdk(this.r));
  }
  get log() {
    return (this.logPdk ??= new LogPdk(this.r, this.node.log));
  }
  get plugin() {
    return (this.pluginPdk ??= new PluginInfoPdk(this.r));
  }
  get nginx() {
    return (this.nginxPdk ??= { ctx: this.r.nginxCtx });
  }
}

/** One `kong` object per request, created only when a plugin runs for it. */
export function createPdk(r: ProxyRequest, node: PdkNode): Pdk {
  return new RequestPdkRoot(r, node);
}
