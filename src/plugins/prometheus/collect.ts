/**
 * The scrape-time part of the exporter (Kong's exporter.metric_data): gauges read from the
 * node when `/metrics` is asked for — connections, datastore reachability, upstream target
 * health, memory, and Silverback's snapshot and PostgreSQL certificate gauges.
 */
import { servingProcesses, sumCounters } from '../../cluster/worker-status.js';
import { expiringCertificates } from '../../datastore/postgres/rotation.js';
import type { LinkPool } from '../../datastore/postgres/link-pool.js';
import { getService, type GatewayContext } from '../../gateway/context.js';
import type { Balancer } from '../../proxy/balancer/index.js';
import type { ConfigSnapshot } from '../../snapshot/types.js';
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { KongMetrics } from './metrics.js';
import { nodeWideMetrics } from './aggregate.js';

const SUBSYSTEM = 'http';

/** The snapshot in force, from the manager the proxy runtime leaves on the context as `snapshot`. */
export function currentSnapshot(ctx: GatewayContext): ConfigSnapshot | undefined {
  return getService<{ current(): ConfigSnapshot }>(ctx, 'snapshot')?.current();
}

async function datastoreReachable(ctx: GatewayContext): Promise<boolean> {
  // DB-less: Kong's "off" connector always connects.
  if (!ctx.datastore) return true;
  try {
    await ctx.datastore.query('SELECT 1');
    return true;
  } catch (err) {
    ctx.log.error(`prometheus: failed to reach database while processing /metrics endpoint: ${(err as Error).message}`);
    return false;
  }
}

/** Kong exports target health only when some prometheus instance asks for it. */
export function wantsUpstreamHealth(snapshot: ConfigSnapshot | undefined): boolean {
  const plugins = (snapshot?.rows.plugins ?? []) as readonly { name?: string; enabled?: boolean; config?: { upstream_health_metrics?: boolean } }[];
  return plugins.some((p) => p.name === 'prometheus' && p.enabled !== false && p.config?.upstream_health_metrics === true);
}

const STATES = ['healthchecks_off', 'healthy', 'unhealthy', 'dns_error'] as const;

export function setTargetHealth(metrics: KongMetrics, balancers: Iterable<Balancer>): void {
  metrics.targetHealth.reset();
  for (const balancer of balancers) {
    const upstream = balancer.upstream.name;
    for (const entry of balancer.health()) {
      const addresses = entry.data?.addresses ?? [];
      const rows: { address: string; state: string }[] =
        addresses.length > 0 ? addresses.map((a) => ({ address: `${a.ip}:${a.port}`, state: a.health.toLowerCase() })) : [{ address: '', state: 'dns_error' }];
      for (const { address, state } of rows) {
        for (const s of STATES) metrics.targetHealth.set({ upstream, target: entry.target, address, state: s, subsystem: SUBSYSTEM }, s === state ? 1 : 0);
      }
    }
  }
}

function postgresPools(ctx: GatewayContext): LinkPool[] {
  const store = ctx.datastore as (GatewayContext['datastore'] & { links?: { primary: LinkPool; replica: LinkPool | null } }) | null;
  if (!store || store.kind !== 'postgres' || !store.links) return [];
  return [store.links.primary, store.links.replica].filter((l): l is LinkPool => l !== null && l.link.ssl);
}

function setCertificateExpiry(ctx: GatewayContext, metrics: KongMetrics): void {
  metrics.certificateExpiry.reset();
  for (const pool of postgresPools(ctx)) {
    const link = `${pool.link.host}:${pool.link.port}`;
    for (const cert of expiringCertificates(pool.material.current(), pool.link, { withinDays: Number.POSITIVE_INFINITY })) {
      metrics.certificateExpiry.set({ link, role: cert.role, subject: cert.subject, serial: cert.serialHex }, Math.floor(cert.notAfter.getTime() / 1000));
    }
  }
}

/** Refreshes the scrape-time gauges and renders the text exposition. */
export async function renderMetrics(ctx: GatewayContext): Promise<{ contentType: string; body: string }> {
  const metrics = await nodeWideMetrics(ctx);
  // With proxy workers, connections and requests are counted in them; the node reports the sum.
  const processes = await servingProcesses(ctx);
  const c = sumCounters(processes);
  const node = ctx.nodeId;
  metrics.connections.set({ node_id: node, subsystem: SUBSYSTEM, state: 'accepted' }, c.connectionsAccepted);
  metrics.connections.set({ node_id: node, subsystem: SUBSYSTEM, state: 'handled' }, c.connectionsHandled);
  metrics.connections.set({ node_id: node, subsystem: SUBSYSTEM, state: 'total' }, c.totalRequests);
  metrics.connections.set({ node_id: node, subsystem: SUBSYSTEM, state: 'active' }, c.connectionsActive);
  // Node has no reading/writing/waiting split of connections; nginx's "writing" is closest to active.
  metrics.connections.set({ node_id: node, subsystem: SUBSYSTEM, state: 'reading' }, 0);
  metrics.connections.set({ node_id: node, subsystem: SUBSYSTEM, state: 'writing' }, c.connectionsActive);
  metrics.connections.set({ node_id: node, subsystem: SUBSYSTEM, state: 'waiting' }, 0);
  metrics.nginxRequests.set({ node_id: node, subsystem: SUBSYSTEM }, c.totalRequests);
  metrics.datastoreReachable.set((await datastoreReachable(ctx)) ? 1 : 0);
  metrics.nodeInfo.reset();
  metrics.nodeInfo.set({ node_id: node, version: KONG_COMPAT_VERSION }, 1);
  for (const p of processes) metrics.workerMemory.set({ node_id: node, pid: String(p.pid), kong_subsystem: SUBSYSTEM }, p.heapUsed);

  const snapshot = currentSnapshot(ctx);
  metrics.snapshotInfo.reset();
  if (snapshot) {
    metrics.snapshotInfo.set({ version: snapshot.version }, 1);
    metrics.snapshotAge.set(Math.max(0, (Date.now() - snapshot.builtAt) / 1000));
  }
  if (wantsUpstreamHealth(snapshot)) setTargetHealth(metrics, snapshot!.balancersById.values());
  else metrics.targetHealth.reset();
  setCertificateExpiry(ctx, metrics);

  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
