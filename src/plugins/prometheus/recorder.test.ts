import { describe, expect, it } from 'vitest';
import { KongMetrics } from './metrics.js';
import { MetricsRecorder } from './recorder.js';

function sampleLines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('prometheus recorder', () => {
  it('counts requests by service, route, code, source and consumer', async () => {
    const m = new KongMetrics();
    const r = new MetricsRecorder(m);
    const base = { routeId: 'r1', serviceId: 's1', serviceLabel: 'svc', routeLabel: 'route-a' };
    r.record({ ...base, status: 200, source: 'service' });
    r.record({ ...base, status: 200, source: 'service' });
    r.record({ ...base, status: 401, source: 'kong', consumer: 'alice' });
    const text = await m.registry.metrics();
    expect(sampleLines(text, 'kong_http_requests_total')).toEqual([
      'kong_http_requests_total{service="svc",route="route-a",code="200",source="service",workspace="default",consumer=""} 2',
      'kong_http_requests_total{service="svc",route="route-a",code="401",source="kong",workspace="default",consumer="alice"} 1',
    ]);
  });

  it('observes latencies into Kong buckets and counts bandwidth both ways', async () => {
    const m = new KongMetrics();
    const r = new MetricsRecorder(m);
    r.record({ routeId: 'r', serviceId: 's', serviceLabel: 'svc', routeLabel: 'rt', latencies: { request: 30, proxy: 20, kong: 3 }, ingress: 100, egress: 250 });
    r.record({ routeId: 'r', serviceId: 's', serviceLabel: 'svc', routeLabel: 'rt', latencies: { request: 40, proxy: -1, kong: 6 }, ingress: 0, egress: 10 });
    const text = await m.registry.metrics();
    expect(text).toContain('kong_kong_latency_ms_bucket{le="5",service="svc",route="rt",workspace="default"} 1');
    expect(text).toContain('kong_kong_latency_ms_count{service="svc",route="rt",workspace="default"} 2');
    expect(text).toContain('kong_upstream_latency_ms_count{service="svc",route="rt",workspace="default"} 1');
    expect(text).toContain('kong_request_latency_ms_sum{service="svc",route="rt",workspace="default"} 70');
    expect(text).toContain('kong_bandwidth_bytes{service="svc",route="rt",direction="ingress",workspace="default",consumer=""} 100');
    expect(text).toContain('kong_bandwidth_bytes{service="svc",route="rt",direction="egress",workspace="default",consumer=""} 260');
  });
});
