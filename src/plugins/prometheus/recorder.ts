/**
 * The per-request part of the exporter (Kong's exporter.log), kept cheap: label objects are
 * built once per route/service (and per status/source/consumer) and reused, so a request
 * costs a few map lookups and prom-client increments.
 */
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

interface RouteLabels {
  latency: Readonly<Record<'service' | 'route' | 'workspace', string>>;
  status: Map<string, Readonly<Record<string, string>>>;
  bandwidth: Map<string, Readonly<Record<string, string>>>;
}

const WORKSPACE = 'default';
/** More distinct label sets than this per route means unbounded labels (e.g. consumers): stop caching. */
const MAX_CACHED_PER_ROUTE = 4096;

export class MetricsRecorder {
  private readonly routes = new Map<string, RouteLabels>();

  constructor(private readonly metrics: KongMetrics) {}

  /** Forgets cached label sets (after a configuration change renamed routes or services). */
  reset(): void {
    this.routes.clear();
  }

  private labelsFor(s: RequestSample): RouteLabels {
    const key = `${s.routeId}\u0000${s.serviceId}\u0000${s.routeLabel}\u0000${s.serviceLabel}`;
    let entry = this.routes.get(key);
    if (!entry) {
      entry = {
        latency: Object.freeze({ service: s.serviceLabel, route: s.routeLabel, workspace: WORKSPACE }),
        status: new Map(),
        bandwidth: new Map(),
      };
      this.routes.set(key, entry);
    }
    return entry;
  }

  record(s: RequestSample): void {
    const route = this.labelsFor(s);
    const consumer = s.consumer ?? '';
    if (s.status !== undefined) {
      const key = `${s.status}\u0000${s.source}\u0000${consumer}`;
      let labels = route.status.get(key);
      if (!labels) {
        labels = Object.freeze({ service: s.serviceLabel, route: s.routeLabel, code: String(s.status), source: s.source ?? 'kong', workspace: WORKSPACE, consumer });
        if (route.status.size < MAX_CACHED_PER_ROUTE) route.status.set(key, labels);
      }
      this.metrics.requests.inc(labels, 1);
    }
    if (s.ingress !== undefined || s.egress !== undefined) {
      if (s.ingress && s.ingress > 0) this.metrics.bandwidth.inc(this.bandwidthLabels(route, s, 'ingress', consumer), s.ingress);
      if (s.egress && s.egress > 0) this.metrics.bandwidth.inc(this.bandwidthLabels(route, s, 'egress', consumer), s.egress);
    }
    const l = s.latencies;
    if (l) {
      if (l.request !== undefined && l.request >= 0) this.metrics.requestLatency.observe(route.latency, l.request);
      if (l.proxy !== undefined && l.proxy >= 0) this.metrics.upstreamLatency.observe(route.latency, l.proxy);
      if (l.kong !== undefined && l.kong >= 0) this.metrics.kongLatency.observe(route.latency, l.kong);
    }
  }

  private bandwidthLabels(route: RouteLabels, s: RequestSample, direction: 'ingress' | 'egress', consumer: string): Readonly<Record<string, string>> {
    const key = `${direction}\u0000${consumer}`;
    let labels = route.bandwidth.get(key);
    if (!labels) {
      labels = Object.freeze({ service: s.serviceLabel, route: s.routeLabel, direction, workspace: WORKSPACE, consumer });
      if (route.bandwidth.size < MAX_CACHED_PER_ROUTE) route.bandwidth.set(key, labels);
    }
    return labels;
  }
}
