/**
 * The per-request part of the exporter (Kong's exporter.log), kept cheap: series handles are
 * resolved once per route/service (and per status/source/consumer) and reused, so a request
 * costs a few map lookups and field increments.
 */
import type { CounterSeries, HistogramSeries } from './fast-metrics.js';
import type { KongMetrics } from './metrics.js';

export interface RequestSample {
  routeId: string;
  serviceId: string;
  /** Kong labels by service name, else host; '' without a service. */
  serviceLabel: string;
  /** Route name, else id. */
  routeLabel: string;
  status?: number;
  /** `service` when the upstream answered, else `kong` (Kong's two label values). */
  source?: 'service' | 'kong';
  consumer?: string;
  latencies?: { request?: number; proxy?: number; kong?: number };
  ingress?: number;
  egress?: number;
}

interface RouteSeries {
  request: HistogramSeries;
  upstream: HistogramSeries;
  kong: HistogramSeries;
  status: Map<string, CounterSeries>;
  bandwidth: Map<string, CounterSeries>;
}

const WORKSPACE = 'default';

export class MetricsRecorder {
  private readonly routes = new Map<string, RouteSeries>();

  constructor(private readonly metrics: KongMetrics) {}

  private routeSeries(s: RequestSample): RouteSeries {
    // Names are part of the key: a renamed route or service starts new series, as in Kong.
    const key = `${s.routeId}\u0000${s.serviceId}\u0000${s.routeLabel}\u0000${s.serviceLabel}`;
    let entry = this.routes.get(key);
    if (!entry) {
      const labels = { service: s.serviceLabel, route: s.routeLabel, workspace: WORKSPACE };
      entry = {
        request: this.metrics.requestLatency.seriesFor(labels),
        upstream: this.metrics.upstreamLatency.seriesFor(labels),
        kong: this.metrics.kongLatency.seriesFor(labels),
        status: new Map(),
        bandwidth: new Map(),
      };
      this.routes.set(key, entry);
    }
    return entry;
  }

  record(s: RequestSample): void {
    const route = this.routeSeries(s);
    const consumer = s.consumer ?? '';
    if (s.status !== undefined) {
      const source = s.source ?? 'kong';
      const key = `${s.status}\u0000${source}\u0000${consumer}`;
      let series = route.status.get(key);
      if (!series) {
        series = this.metrics.requests.seriesFor({ service: s.serviceLabel, route: s.routeLabel, code: String(s.status), source, workspace: WORKSPACE, consumer });
        route.status.set(key, series);
      }
      series.value += 1;
    }
    if (s.ingress && s.ingress > 0) this.bandwidthSeries(route, s, 'ingress', consumer).value += s.ingress;
    if (s.egress && s.egress > 0) this.bandwidthSeries(route, s, 'egress', consumer).value += s.egress;
    const l = s.latencies;
    if (l) {
      if (l.request !== undefined && l.request >= 0) this.metrics.requestLatency.observe(route.request, l.request);
      if (l.proxy !== undefined && l.proxy >= 0) this.metrics.upstreamLatency.observe(route.upstream, l.proxy);
      if (l.kong !== undefined && l.kong >= 0) this.metrics.kongLatency.observe(route.kong, l.kong);
    }
  }

  private bandwidthSeries(route: RouteSeries, s: RequestSample, direction: 'ingress' | 'egress', consumer: string): CounterSeries {
    const key = `${direction}\u0000${consumer}`;
    let series = route.bandwidth.get(key);
    if (!series) {
      series = this.metrics.bandwidth.seriesFor({ service: s.serviceLabel, route: s.routeLabel, direction, workspace: WORKSPACE, consumer });
      route.bandwidth.set(key, series);
    }
    return series;
  }
}
