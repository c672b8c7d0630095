/**
 * Request metrics of a node with several proxy workers: each worker records the requests it
 * served in its own registry, and a scrape (served by the primary) asks every worker for its
 * series and sums them, as Kong's workers share one metrics dictionary. Counters and
 * histogram buckets add up; gauges are set per scrape from node-wide facts (collect.ts).
 */
import { registerWorkerQuery, workerFanout } from '../../cluster/worker-queries.js';
import type { GatewayContext } from '../../gateway/context.js';
import type { ExportedCounter, ExportedHistogram } from './fast-metrics.js';
import { KongMetrics } from './metrics.js';
import { nodeMetrics } from './node-metrics.js';

export const EXPORT_TOPIC = 'prometheus:export';

export interface RequestMetricsExport {
  requests: ExportedCounter[];
  bandwidth: ExportedCounter[];
  kongLatency: ExportedHistogram[];
  upstreamLatency: ExportedHistogram[];
  requestLatency: ExportedHistogram[];
}

export function exportRequestMetrics(m: KongMetrics): RequestMetricsExport {
  return {
    requests: m.requests.exportSeries(),
    bandwidth: m.bandwidth.exportSeries(),
    kongLatency: m.kongLatency.exportSeries(),
    upstreamLatency: m.upstreamLatency.exportSeries(),
    requestLatency: m.requestLatency.exportSeries(),
  };
}

export function absorbRequestMetrics(into: KongMetrics, e: RequestMetricsExport): void {
  into.requests.absorb(e.requests);
  into.bandwidth.absorb(e.bandwidth);
  into.kongLatency.absorb(e.kongLatency);
  into.upstreamLatency.absorb(e.upstreamLatency);
  into.requestLatency.absorb(e.requestLatency);
}

registerWorkerQuery(EXPORT_TOPIC, (_payload, ctx) => exportRequestMetrics(nodeMetrics(ctx.nodeId).metrics));

/**
 * A fresh registry holding the node's request metrics: this process's own plus, on a primary,
 * every worker's. The recording registries are never modified by a scrape.
 */
export async function nodeWideMetrics(ctx: GatewayContext): Promise<KongMetrics> {
  const view = new KongMetrics();
  absorbRequestMetrics(view, exportRequestMetrics(nodeMetrics(ctx.nodeId).metrics));
  const fanout = workerFanout(ctx);
  if (fanout) for (const e of await fanout.ask<RequestMetricsExport>(EXPORT_TOPIC)) absorbRequestMetrics(view, e);
  return view;
}
