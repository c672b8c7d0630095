/**
 * prometheus (Kong's kong/plugins/prometheus/handler.lua, priority 13): records each proxied
 * request in the node's metrics; `/metrics` on the Admin API and the status listener serves them.
 */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Pdk, PluginHandler, Row } from '../types.js';
import { recorderFor } from './node-metrics.js';
import type { PrometheusConfig } from './schema.js';

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function log(kong: Pdk, conf: PrometheusConfig): void {
  const route = kong.router.getRoute();
  // Kong records nothing for requests that matched no route.
  if (!route) return;
  const service: Row | null = kong.router.getService();
  const sample: Parameters<ReturnType<typeof recorderFor>['record']>[0] = {
    routeId: String(route.id ?? ''),
    serviceId: String(service?.id ?? ''),
    serviceLabel: service ? String(service.name ?? service.host ?? '') : '',
    routeLabel: String(route.name ?? route.id ?? ''),
  };
  if (conf.per_consumer) {
    const consumer = kong.client.getConsumer();
    if (consumer?.username) sample.consumer = String(consumer.username);
  }
  if (conf.status_code_metrics) {
    sample.status = kong.response.getStatus();
    sample.source = kong.response.getSource() === 'service' ? 'service' : 'kong';
  }
  // The record's numbers without building the whole log record (this runs on every request).
  if (conf.latency_metrics || conf.bandwidth_metrics) {
    const m = kong.log.measures();
    if (conf.latency_metrics) {
      sample.latencies = { request: m.requestLatency, proxy: m.proxyLatency >= 0 ? m.proxyLatency : undefined, kong: m.kongLatency };
    }
    if (conf.bandwidth_metrics) {
      sample.ingress = m.requestSize;
      sample.egress = m.responseSize || num(kong.response.getHeader('content-length')) || 0;
    }
  }
  recorderFor(kong.nodeId).record(sample);
}

export const prometheusHandler: PluginHandler<PrometheusConfig> = {
  name: 'prometheus',
  priority: 13,
  version: KONG_COMPAT_VERSION,
  phases: { log },
};
