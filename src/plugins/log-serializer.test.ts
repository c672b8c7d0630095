import { describe, expect, it } from 'vitest';
import { applySerializeValue, buildLogRecord, redactHeaders, upstreamUriWithArgs, type LogFacts } from './log-serializer.js';

const facts: LogFacts = {
  requestId: 'abc',
  scheme: 'http',
  host: 'example.com',
  serverPort: 8000,
  requestUri: '/api/x?a=1',
  method: 'GET',
  query: { a: '1' },
  requestHeaders: { host: 'example.com', authorization: 'Bearer t', 'proxy-authorization': 'Basic x' },
  requestSize: 120,
  upstreamUri: '/x',
  upstreamStatus: 200,
  status: 200,
  responseHeaders: { 'content-type': 'text/plain' },
  responseSize: 300,
  kongLatency: 2,
  proxyLatency: 10,
  requestLatency: 13,
  route: { id: 'r1', name: 'route' },
  service: { id: 's1', name: 'svc' },
  credential: { id: 'cred', consumer: { id: 'c1' } },
  consumer: { id: 'c1', username: 'alice' },
  clientIp: '127.0.0.1',
  startedAt: 1700000000000,
  source: 'service',
  tries: [{ ip: '127.0.0.1', port: 9000, balancer_start: 1700000000001, balancer_latency: 0 }],
};

describe('log record', () => {
  it('has Kong shape and fields', () => {
    const r = buildLogRecord(facts);
    expect(r.request).toMatchObject({ id: 'abc', uri: '/api/x?a=1', url: 'http://example.com:8000/api/x?a=1', method: 'GET', size: 120, querystring: { a: '1' } });
    expect(r.request.headers.authorization).toBe('REDACTED');
    expect(r.request.headers['proxy-authorization']).toBe('REDACTED');
    expect(r.upstream_uri).toBe('/x?a=1');
    expect(r.upstream_status).toBe('200');
    expect(r.response).toEqual({ status: 200, headers: { 'content-type': 'text/plain' }, size: 300 });
    expect(r.latencies).toEqual({ kong: 2, proxy: 10, request: 13, receive: 0 });
    expect(r.authenticated_entity).toEqual({ id: 'cred', consumer_id: 'c1' });
    expect(r.route).toEqual({ id: 'r1', name: 'route' });
    expect(r.consumer).toEqual({ id: 'c1', username: 'alice' });
    expect(r).toMatchObject({ client_ip: '127.0.0.1', started_at: 1700000000000, source: 'upstream', tries: facts.tries });
    expect(facts.requestHeaders.authorization).toBe('Bearer t');
  });

  it('leaves absent parts out and reports an unproxied request', () => {
    const r = buildLogRecord({ ...facts, upstreamUri: '', upstreamStatus: undefined, proxyLatency: undefined, route: null, service: null, consumer: null, credential: null, tries: undefined });
    expect(r.upstream_uri).toBe('');
    expect(r.upstream_status).toBe('');
    expect(r.latencies.proxy).toBe(-1);
    expect(buildLogRecord({ ...facts, source: 'exit' }).source).toBe('kong');
    expect('route' in r || 'service' in r || 'consumer' in r || 'authenticated_entity' in r || 'tries' in r).toBe(false);
  });

  it('appends the client query to an upstream path without one', () => {
    expect(upstreamUriWithArgs('/u', '/p?x=1')).toBe('/u?x=1');
    expect(upstreamUriWithArgs('/u?y=2', '/p?x=1')).toBe('/u?y=2');
    expect(upstreamUriWithArgs('/u', '/p')).toBe('/u');
    expect(redactHeaders({ a: 'b' })).toEqual({ a: 'b' });
  });

  it('applies set_serialize_value with dotted keys and modes', () => {
    const root: Record<string, unknown> = { request: { id: 'x' } };
    applySerializeValue(root, 'correlation_id', 'c');
    applySerializeValue(root, 'request.extra.depth', 1);
    applySerializeValue(root, 'request.id', 'y', 'add');
    applySerializeValue(root, 'request.new', 'n', 'replace');
    applySerializeValue(root, 'dotted\\.key', true);
    expect(root).toEqual({ request: { id: 'x', extra: { depth: 1 } }, correlation_id: 'c', 'dotted.key': true });
    expect(() => applySerializeValue(root, 'correlation_id.sub', 1)).toThrow(/is not a table/);
  });
});
