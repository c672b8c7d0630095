/**
 * `GET /upstreams/{u}/health` and `PUT /upstreams/{u}/targets/{t}[/{address}]/healthy|unhealthy`
 * (kong/api/routes/upstreams.lua), answered from the balancers of the current snapshot.
 */
import type { AdminRouter, AdminRequest } from '../admin/router.js';
import type { GatewayContext } from '../gateway/context.js';
import type { SnapshotManager } from '../snapshot/manager.js';
import type { Balancer } from './balancer/index.js';
import { normalizeTargetRef } from './balancer/index.js';

const NOT_FOUND = { status: 404, body: { message: 'Not found' } };

async function findBalancer(snapshots: SnapshotManager, idOrName: string): Promise<{ balancer: Balancer; upstreamId: string } | null> {
  await snapshots.pending();
  const snap = snapshots.current();
  const byId = snap.balancersById.get(idOrName);
  if (byId) return { balancer: byId, upstreamId: idOrName };
  const byName = snap.balancers.get(idOrName);
  return byName ? { balancer: byName, upstreamId: byName.upstream.id } : null;
}

/** A target reference may be its id or its `host:port`; the balancer wants `host:port`. */
function targetRef(snapshots: SnapshotManager, upstreamId: string, ref: string): string | null {
  const targets = snapshots.current().entities.findAll('targets', 'upstream', upstreamId);
  const byId = targets.find((t) => t.id === ref);
  if (byId) return byId.target as string;
  const wanted = normalizeTargetRef(ref);
  const byTarget = targets.find((t) => normalizeTargetRef(t.target as string) === wanted);
  return byTarget ? (byTarget.target as string) : null;
}

export function registerHealthRoutes(router: AdminRouter, snapshots: SnapshotManager): void {
  router.on('GET', '/upstreams/:upstream/health', async (req: AdminRequest, ctx: GatewayContext) => {
    const found = await findBalancer(snapshots, req.params.upstream);
    if (!found) return NOT_FOUND;
    const balancerHealth = req.query.get('balancer_health');
    if (balancerHealth && balancerHealth !== '0' && balancerHealth !== 'false') {
      return { status: 200, body: { data: found.balancer.upstreamHealth(), next: null, node_id: ctx.nodeId } };
    }
    const data = found.balancer.health();
    return { status: 200, body: { data, total: data.length, next: null, node_id: ctx.nodeId } };
  });

  const setHealth = (healthy: boolean) => async (req: AdminRequest) => {
    const found = await findBalancer(snapshots, req.params.upstream);
    if (!found) return NOT_FOUND;
    const ref = targetRef(snapshots, found.upstreamId, req.params.target);
    if (!ref) return NOT_FOUND;
    // Divergence: Kong broadcasts this to every node through cluster events; here it applies to this node.
    found.balancer.setTargetHealth(ref, healthy, req.params.address);
    return { status: 204 };
  };
  for (const [word, healthy] of [['healthy', true], ['unhealthy', false]] as const) {
    router.on('PUT', `/upstreams/:upstream/targets/:target/${word}`, setHealth(healthy));
    router.on('PUT', `/upstreams/:upstream/targets/:target/:address/${word}`, setHealth(healthy));
  }
}
