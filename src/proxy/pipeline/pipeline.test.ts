import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { parseQuery, encodeQuery } from '../../plugins/pdk/query.js';
import type { ConfigSnapshot } from '../../snapshot/types.js';
import { formatFromAccept, renderError } from './error-body.js';
import { addForwardingHeaders, upstreamHeadersFrom } from './forward-headers.js';
import { ProxyRequest } from './request-state.js';
import { proxySettings } from './settings.js';
import { compileTrustedIps } from './trusted-ips.js';

function fakeRequest(rawHeaders: string[], peer = '10.1.2.3', url = '/a/../b?x=1'): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] = rawHeaders[i + 1];
  return { rawHeaders, headers, url, method: 'GET', httpVersion: '1.1', socket: { remoteAddress: peer, remotePort: 5555 } } as unknown as IncomingMessage;
}

function settings(env: Record<string, string> = {}) {
  return proxySettings(loadConfig({ env: { KONG_PREFIX: '/tmp/sb-unit', ...env }, defaultPaths: [] }).config);
}

const snapshot = {} as ConfigSnapshot;

describe('error bodies', () => {
  it("renders Kong's templates and picks the format from Accept", () => {
    expect(renderError('application/json', 'no "Route"', 'id1').body).toBe('{\n  "message":"no \\"Route\\"",\n  "request_id":"id1"\n}');
    expect(renderError('text/plain', 'm', 'id1').body).toBe('m\nrequest_id: id1\n');
    expect(renderError('text/html', 'm', 'id').body).toContain('<p>m.</p>');
    expect(renderError('application/xml', 'm', 'id').body).toContain('<message>m</message>');
    expect(formatFromAccept('text/html;q=0.9, application/json')).toBe('text/html');
    expect(formatFromAccept('*/*')).toBeUndefined();
    expect(formatFromAccept(undefined)).toBeUndefined();
  });
});

describe('trusted_ips', () => {
  it('matches addresses and CIDRs, including IPv4-mapped IPv6 peers', () => {
    const t = compileTrustedIps(['10.0.0.0/8', '192.168.1.1', 'unix:']);
    expect(t.has('10.9.9.9')).toBe(true);
    expect(t.has('::ffff:10.9.9.9')).toBe(true);
    expect(t.has('192.168.1.2')).toBe(false);
    expect(compileTrustedIps([]).has('127.0.0.1')).toBe(false);
    expect(compileTrustedIps(['0.0.0.0/0']).has('8.8.8.8')).toBe(true);
  });
});

describe('query strings', () => {
  it('parses like ngx.req.get_uri_args and encodes sorted', () => {
    expect(parseQuery('a=1&a=2&flag&e=&sp=a+b%21')).toEqual({ a: ['1', '2'], flag: true, e: '', sp: 'a b!' });
    expect(encodeQuery({ b: '2', a: ['x y', true] })).toBe('a=x%20y&a&b=2');
  });
});

describe('forwarding headers', () => {
  it('believes a trusted peer: real_ip_header names the client, X-Forwarded-* are kept', () => {
    const req = fakeRequest(['Host', 'h.test', 'X-Real-IP', '1.2.3.4', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'front.test', 'X-Forwarded-For', '1.2.3.4']);
    const r = new ProxyRequest(req, null, snapshot, settings({ KONG_TRUSTED_IPS: '10.0.0.0/8' }), 8000);
    expect(r.clientIp).toBe('1.2.3.4');
    const h = upstreamHeadersFrom(r);
    addForwardingHeaders(r, h);
    expect(h['x-real-ip']).toBe('1.2.3.4');
    expect(h['x-forwarded-for']).toBe('1.2.3.4, 10.1.2.3');
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-forwarded-host']).toBe('front.test');
    expect(h['x-forwarded-path']).toBe('/a/../b');
    expect(h.host).toBeUndefined();
  });

  it('ignores an untrusted peer’s claims', () => {
    const req = fakeRequest(['Host', 'H.test:81', 'X-Real-IP', '1.2.3.4', 'X-Forwarded-Proto', 'https']);
    const r = new ProxyRequest(req, null, snapshot, settings(), 8000);
    expect(r.clientIp).toBe('10.1.2.3');
    const h = upstreamHeadersFrom(r);
    addForwardingHeaders(r, h);
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toBe('h.test');
    expect(h['x-forwarded-port']).toBe('8000');
  });

  it('honours headers=off and headers_upstream=off', () => {
    const s = settings({ KONG_HEADERS: 'off', KONG_HEADERS_UPSTREAM: 'off' });
    expect(Object.values(s.add).some(Boolean)).toBe(false);
    const r = new ProxyRequest(fakeRequest(['Host', 'h']), null, snapshot, s, 8000);
    const h = upstreamHeadersFrom(r);
    addForwardingHeaders(r, h);
    expect(h.via).toBeUndefined();
    expect(h['x-kong-request-id']).toBeUndefined();
  });
});
