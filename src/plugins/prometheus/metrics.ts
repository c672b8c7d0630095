/**
 * The metric families Kong's prometheus exporter defines (exporter.lua), one registry per
 * node, with the same names, labels and buckets; plus Silverback's configuration snapshot
 * and PostgreSQL certificate gauges.
 */
import { Gauge, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-metrics.js';

export const KONG_LATENCY_BUCKETS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000];
export const UPSTREAM_LATENCY_BUCKETS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000];

export type StatusLabels = 'service' | 'route' | 'code' | 'source' | 'workspace' | 'consumer';
export type LatencyLabels = 'service' | 'route' | 'workspace';
export type BandwidthLabels = 'service' | 'route' | 'direction' | 'workspace' | 'consumer';

export class KongMetrics {
  readonly registry = new Registry();
  // prom-client prefixes nothing: names carry Kong's `kong_` prefix themselves.
  // The request-path families: handles per label set, no per-call hashing (see fast-metrics.ts).
  readonly requests = new FastCounter<StatusLabels>('kong_http_requests_total', 'HTTP status codes per consumer/service/route in Kong', [
    'service',
    'route',
    'code',
    'source',
    'workspace',
    'consumer',
  ]);
  readonly kongLatency = new FastHistogram<LatencyLabels>(
    'kong_kong_latency_ms',
    'Latency added by Kong and enabled plugins for each service/route in Kong',
    ['service', 'route', 'workspace'],
    KONG_LATENCY_BUCKETS,
  );
  readonly upstreamLatency = new FastHistogram<LatencyLabels>(
    'kong_upstream_latency_ms',
    'Latency added by upstream response for each service/route in Kong',
    ['service', 'route', 'workspace'],
    UPSTREAM_LATENCY_BUCKETS,
  );
  readonly requestLatency = new FastHistogram<LatencyLabels>(
    'kong_request_latency_ms',
    'Total latency incurred during requests for each service/route in Kong',
    ['service', 'route', 'workspace'],
    UPSTREAM_LATENCY_BUCKETS,
  );
  readonly bandwidth = new FastCounter<BandwidthLabels>('kong_bandwidth_bytes', 'Total bandwidth (ingress/egress) throughput in bytes', [
    'service',
    'route',
    'direction',
    'workspace',
    'consumer',
  ]);
  readonly connections = new Gauge<'node_id' | 'subsystem' | 'state'>({
    name: 'kong_nginx_connections_total',
    help: 'Number of connections by subsystem',
    labelNames: ['node_id', 'subsystem', 'state'],
    registers: [this.registry],
  });
  readonly nginxRequests = new Gauge<'node_id' | 'subsystem'>({
    name: 'kong_nginx_requests_total',
    help: 'Number of requests total',
    labelNames: ['node_id', 'subsystem'],
    registers: [this.registry],
  });
  readonly datastoreReachable = new Gauge({
    name: 'kong_datastore_reachable',
    help: 'Datastore reachable from Kong, 0 is unreachable',
    registers: [this.registry],
  });
  readonly nodeInfo = new Gauge<'node_id' | 'version'>({
    name: 'kong_node_info',
    help: 'Kong Node metadata information',
    labelNames: ['node_id', 'version'],
    registers: [this.registry],
  });
  readonly targetHealth = new Gauge<'upstream' | 'target' | 'address' | 'state' | 'subsystem'>({
    name: 'kong_upstream_target_health',
    help: 'Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.',
    labelNames: ['upstream', 'target', 'address', 'state', 'subsystem'],
    registers: [this.registry],
  });
  readonly workerMemory = new Gauge<'node_id' | 'pid' | 'kong_subsystem'>({
    name: 'kong_memory_workers_lua_vms_bytes',
    help: 'Allocated bytes in worker Lua VM (here: the JavaScript heap in use)',
    labelNames: ['node_id', 'pid', 'kong_subsystem'],
    registers: [this.registry],
  });
  readonly snapshotInfo = new Gauge<'version'>({
    name: 'kong_config_snapshot_info',
    help: 'The configuration snapshot in force (Silverback): its version hash as a label, value 1',
    labelNames: ['version'],
    registers: [this.registry],
  });
  readonly snapshotAge = new Gauge({
    name: 'kong_config_snapshot_age_seconds',
    help: 'Seconds since the configuration snapshot in force was built (Silverback)',
    registers: [this.registry],
  });
  readonly certificateExpiry = new Gauge<'link' | 'role' | 'subject' | 'serial'>({
    name: 'kong_postgres_certificate_expiry_timestamp_seconds',
    help: 'Unix time at which each certificate of the PostgreSQL TLS link expires (Silverback)',
    labelNames: ['link', 'role', 'subject', 'serial'],
    registers: [this.registry],
  });

  constructor() {
    // Kong's order in the exposition: request families first.
    for (const m of [this.requests, this.kongLatency, this.upstreamLatency, this.requestLatency, this.bandwidth]) this.registry.registerMetric(m.asMetric());
  }
}
