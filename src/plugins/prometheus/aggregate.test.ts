import { describe, expect, it } from 'vitest';
import { absorbRequestMetrics, exportRequestMetrics } from './aggregate.js';
import { KongMetrics } from './metrics.js';
import { MetricsRecorder } from './recorder.js';

describe('prometheus aggregation over workers', () => {
  it('sums counters and histogram buckets of several processes', async () => {
    const workers = [new KongMetrics(), new KongMetrics()];
    const base = { routeId: 'r', serviceId: 's', serviceLabel: 'svc', routeLabel: 'rt', status: 200, source: 'service' as const };
    new MetricsRecorder(workers[0]).record({ ...base, latencies: { request: 3, proxy: 1, kong: 2 } });
    new MetricsRecorder(workers[1]).record({ ...base, latencies: { request: 300, proxy: 1, kong: 2 } });
    new MetricsRecorder(workers[1]).record({ ...base, status: 404, source: 'kong' });
    const view = new KongMetrics();
    // Through structured clone, as over IPC.
    for (const w of workers) absorbRequestMetrics(view, structuredClone(exportRequestMetrics(w)));
    const text = await view.registry.metrics();
    expect(text).toContain('kong_http_requests_total{service="svc",route="rt",code="200",source="service",workspace="default",consumer=""} 2');
    expect(text).toContain('kong_http_requests_total{service="svc",route="rt",code="404",source="kong",workspace="default",consumer=""} 1');
    expect(text).toContain('kong_request_latency_ms_bucket{le="25",service="svc",route="rt",workspace="default"} 1');
    expect(text).toContain('kong_request_latency_ms_bucket{le="400",service="svc",route="rt",workspace="default"} 2');
    expect(text).toContain('kong_request_latency_ms_sum{service="svc",route="rt",workspace="default"} 303');
    // The workers' own registries are untouched by the merge.
    expect(await workers[0].registry.metrics()).toContain('kong_request_latency_ms_count{service="svc",route="rt",workspace="default"} 1');
  });
});
