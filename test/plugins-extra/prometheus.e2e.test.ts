import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, must, startExtraNode, startSteerableUpstream, type ExtraNode, type SteerableUpstream } from './node-harness.js';
import { parsePrometheusText, valueOf, type Family } from './prom-text.js';

let node: ExtraNode;
let up: SteerableUpstream;

async function scrape(base: string): Promise<Map<string, Family>> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

const routeLabels = { service: 'prom', route: 'prom-route', workspace: 'default' };

beforeAll(async () => {
  up = await startSteerableUpstream();
  node = await startExtraNode();
  await must(node.admin('POST', '/services', { name: 'prom', url: up.url }));
  await must(node.admin('POST', '/services/prom/routes', { name: 'prom-route', paths: ['/prom'] }));
  await must(node.admin('POST', '/upstreams', { name: 'pool' }));
  await must(node.admin('POST', '/upstreams/pool/targets', { target: `127.0.0.1:${up.port}` }));
  await must(node.admin('POST', '/services', { name: 'pooled', host: 'pool' }));
  await must(node.admin('POST', '/services/pooled/routes', { name: 'pooled-route', paths: ['/pooled'] }));
  await must(node.admin('POST', '/routes/pooled-route/plugins', { name: 'cors', config: {} }));
  await must(
    node.admin('POST', '/plugins', {
      name: 'prometheus',
      config: { status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true, per_consumer: true },
    }),
  );
  await eventually(() => node.proxy('GET', '/pooled'), (r) => r.status === 200);
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await up?.close();
});

describe('prometheus', () => {
  it('counts requests by service, route, code and source, with latency and bandwidth, on the status listener', async () => {
    const before = await scrape(node.statusUrl);
    const ok0 = valueOf(before, 'kong_http_requests_total', { ...routeLabels, code: '200', source: 'service' }) ?? 0;
    for (let i = 0; i < 3; i++) expect((await node.proxy('GET', '/prom/a')).status).toBe(200);
    expect((await node.proxy('GET', '/prom/b', { 'x-reply-status': '503' })).status).toBe(503);
    // Requests that match no route are not counted (Kong).
    expect((await node.proxy('GET', '/no-such-route')).status).toBe(404);

    const after = await eventually(
      () => scrape(node.statusUrl),
      (m) => (valueOf(m, 'kong_http_requests_total', { ...routeLabels, code: '200', source: 'service' }) ?? 0) >= ok0 + 3 && valueOf(m, 'kong_http_requests_total', { ...routeLabels, code: '503' }) === 1,
    );
    expect(valueOf(after, 'kong_http_requests_total', { ...routeLabels, code: '200', source: 'service', consumer: '' })).toBe(ok0 + 3);
    expect(valueOf(after, 'kong_http_requests_total', { ...routeLabels, code: '503', source: 'service' })).toBe(1);
    const routesSeen = new Set(after.get('kong_http_requests_total')!.samples.map((s) => s.labels.route));
    expect(routesSeen.has('')).toBe(false);
    expect(after.get('kong_http_requests_total')!.type).toBe('counter');

    for (const h of ['kong_request_latency_ms', 'kong_upstream_latency_ms', 'kong_kong_latency_ms']) {
      expect(after.get(h)?.type).toBe('histogram');
      expect(valueOf(after, `${h}_count`, routeLabels)).toBeGreaterThanOrEqual(4);
      expect(valueOf(after, `${h}_bucket`, { ...routeLabels, le: '+Inf' })).toBe(valueOf(after, `${h}_count`, routeLabels));
    }
    expect(valueOf(after, 'kong_bandwidth_bytes', { ...routeLabels, direction: 'egress' })).toBeGreaterThan(0);
    expect(valueOf(after, 'kong_bandwidth_bytes', { ...routeLabels, direction: 'ingress' })).toBeGreaterThan(0);
  });

  it('labels answers given by Kong itself with source="kong"', async () => {
    const res = await node.proxy('OPTIONS', '/pooled', { origin: 'http://x.test', 'access-control-request-method': 'GET' });
    expect(res.status).toBe(200);
    const m = await eventually(
      () => scrape(node.statusUrl),
      (x) => valueOf(x, 'kong_http_requests_total', { service: 'pooled', route: 'pooled-route', code: '200', source: 'kong' }) === 1,
    );
    expect(valueOf(m, 'kong_http_requests_total', { service: 'pooled', route: 'pooled-route', code: '200', source: 'kong' })).toBe(1);
  });

  it('exports node gauges, target health and the configuration snapshot', async () => {
    const m = await scrape(node.statusUrl);
    expect(valueOf(m, 'kong_datastore_reachable')).toBe(1);
    const nodeId = node.node.ctx.nodeId;
    expect(valueOf(m, 'kong_nginx_connections_total', { node_id: nodeId, subsystem: 'http', state: 'accepted' })).toBeGreaterThan(0);
    expect(valueOf(m, 'kong_nginx_requests_total', { node_id: nodeId, subsystem: 'http' })).toBeGreaterThan(0);
    expect(valueOf(m, 'kong_node_info', { node_id: nodeId })).toBe(1);
    const target = `127.0.0.1:${up.port}`;
    expect(valueOf(m, 'kong_upstream_target_health', { upstream: 'pool', target, address: target, state: 'healthchecks_off' })).toBe(1);
    expect(valueOf(m, 'kong_upstream_target_health', { upstream: 'pool', target, address: target, state: 'healthy' })).toBe(0);
    const info = m.get('kong_config_snapshot_info')!.samples;
    expect(info).toHaveLength(1);
    const status = await (await fetch(`${node.statusUrl}/status`)).json();
    expect(info[0].labels.version).toBe(status.configuration_hash);
    expect(valueOf(m, 'kong_config_snapshot_age_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('serves the same metrics on the Admin API, and only status paths on the status listener', async () => {
    const m = await scrape(node.adminUrl);
    expect(valueOf(m, 'kong_http_requests_total', { ...routeLabels, code: '503' })).toBe(1);
    expect((await fetch(`${node.statusUrl}/services`)).status).toBe(404);
    expect((await fetch(`${node.statusUrl}/status`)).status).toBe(200);
  });
});
