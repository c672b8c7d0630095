/**
 * Joins the configuration snapshot, the plugin runtime and the proxy listeners to a node.
 * Leaves on the context: `plugins` (PluginRegistry), `snapshot` (SnapshotManager),
 * `configurationHash` (() => string), `counters` (() => ServerCounters).
 */
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { parseProtocolList, type Listener } from '../config/index.js';
import type { EntityEvents } from '../dao/index.js';
import { errorMessage } from '../errors.js';
import { getService, type GatewayContext } from '../gateway/context.js';
import { registerStartHook } from '../gateway/hooks.js';
import type { ServerCounters } from '../admin/info.js';
import type { AdminRouter } from '../admin/router.js';
import { createPluginRegistry } from '../plugins/registry.js';
import { NodeCache } from '../plugins/pdk/index.js';
import { PluginRunner } from '../plugins/runner.js';
import { loadEntitiesFromDatastore } from '../snapshot/load-datastore.js';
import { createSnapshotManager, type SnapshotManager } from '../snapshot/manager.js';
import { readPersistedSnapshot } from '../snapshot/persist.js';
import type { EntityRows } from '../snapshot/types.js';
import { registerHealthRoutes } from './health-routes.js';
import { ProxyPipeline } from './pipeline/handle.js';
import { proxySettings } from './pipeline/settings.js';
import { makeProxyServer } from './server.js';
import { loadOrCreateCertificate, type CertPair } from './tls/default-certificate.js';
import { UpstreamAgents } from './upstream.js';
import { readFileSync } from 'node:fs';

/** After the Admin API entities (100), whose change events the snapshot follows. */
export const PROXY_HOOK_ORDER = 200;

async function initialRows(ctx: GatewayContext): Promise<EntityRows> {
  if (!ctx.datastore) return {};
  try {
    return await loadEntitiesFromDatastore(ctx.datastore);
  } catch (err) {
    // The datastore is down at start: serve the last good configuration (Kong's resilience for a DB outage).
    const saved = readPersistedSnapshot(ctx.config.prefix);
    if (!saved) throw err;
    ctx.log.warn({ err: errorMessage(err), version: saved.version }, 'datastore unreachable; serving the last saved configuration snapshot');
    return saved.rows;
  }
}

function tlsRange(text: string): { min: 'TLSv1.2' | 'TLSv1.3'; max: 'TLSv1.2' | 'TLSv1.3' } {
  const list = parseProtocolList(text).filter((p) => p === 'TLSv1.2' || p === 'TLSv1.3') as ('TLSv1.2' | 'TLSv1.3')[];
  if (list.length === 0) return { min: 'TLSv1.2', max: 'TLSv1.3' };
  return { min: list.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3', max: list.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2' };
}

function clientSslCertificate(ctx: GatewayContext): { cert: string; key: string } | null {
  const c = ctx.config;
  if (!c.client_ssl || !c.client_ssl_cert || !c.client_ssl_cert_key) return null;
  return { cert: readFileSync(c.client_ssl_cert as string, 'utf8'), key: readFileSync(c.client_ssl_cert_key as string, 'utf8') };
}

export async function startProxy(ctx: GatewayContext, adminRouter: AdminRouter) {
  const log = ctx.log;
  const config = ctx.config;
  let snapshots: SnapshotManager | null = null;
  const registry = createPluginRegistry(config, ctx.datastore, () => {
    const names = new Set<string>();
    for (const p of snapshots?.current().rows.plugins ?? []) if (p.enabled !== false) names.add(p.name as string);
    return [...names].sort();
  });
  ctx.services.set('plugins', registry);

  snapshots = createSnapshotManager(await initialRows(ctx), {
    plugins: registry,
    log,
    source: ctx.datastore ? () => loadEntitiesFromDatastore(ctx.datastore!) : null,
    // Workers receive the snapshot from their primary, which alone persists it.
    persistPrefix: ctx.services.get('clusterRole') === 'worker' ? null : config.prefix,
  });
  const manager = snapshots;
  ctx.services.set('snapshot', manager);
  ctx.services.set('configurationHash', () => manager.current().version);
  const events = getService<EntityEvents>(ctx, 'entityEvents');
  const unsubscribe = events?.subscribe((change) => manager.applyChange(change));
  if (!events && ctx.datastore) log.warn('no entityEvents service: Admin API changes reach the proxy only on refresh');

  const counters: ServerCounters = { connectionsActive: 0, connectionsAccepted: 0, connectionsHandled: 0, totalRequests: 0 };
  ctx.services.set('counters', () => ({ ...counters }));

  const settings = proxySettings(config, clientSslCertificate(ctx));
  const agents = new UpstreamAgents(settings.keepalive);
  const runner = new PluginRunner({
    nodeId: ctx.nodeId,
    cache: new NodeCache(),
    datastore: ctx.datastore,
    configuration: config as unknown as Record<string, unknown>,
    log,
  });
  const pipeline = new ProxyPipeline({ snapshots: manager, settings, runner, agents, log, onRequest: () => counters.totalRequests++ });
  registerHealthRoutes(adminRouter, manager);

  const sslDir = join(config.prefix, 'ssl');
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  const needsSsl = (key: 'proxy_listen' | 'admin_listen') => list(config[key]).some((e) => /\bssl\b/.test(e));
  const proxyCerts: CertPair[] = needsSsl('proxy_listen')
    ? await loadOrCreateCertificate({ certFiles: list(config.ssl_cert), keyFiles: list(config.ssl_cert_key), setting: 'ssl_cert', sslDir, baseName: 'silverback-default' })
    : [];
  const adminCerts: CertPair[] = needsSsl('admin_listen')
    ? await loadOrCreateCertificate({ certFiles: list(config.admin_ssl_cert), keyFiles: list(config.admin_ssl_cert_key), setting: 'admin_ssl_cert', sslDir, baseName: 'admin-silverback-default' })
    : [];
  const tlsProtocols = tlsRange(String(config.ssl_protocols));

  return {
    async stop() {
      unsubscribe?.();
      await manager.stop();
      await agents.close();
    },
    makeProxyServer: (listener: Listener) => makeProxyServer(listener, { pipeline, snapshots: manager, defaultCertificates: proxyCerts, tlsProtocols, counters }),
    makeAdminServer: (listener: Listener, handler: Parameters<typeof createHttpsServer>[1]) => {
      if (!listener.ssl) return null;
      return createHttpsServer({ cert: adminCerts.map((c) => c.cert), key: adminCerts.map((c) => c.key), minVersion: tlsProtocols.min }, handler);
    },
  };
}

registerStartHook('proxy', PROXY_HOOK_ORDER, startProxy);
