import { describe, expect, it } from 'vitest';
import { normalizeUpstream } from './defaults.js';
import { hashInput } from './hash-value.js';
import { ctx } from './test-fixtures.js';

describe('hashInput (hash_on / hash_fallback)', () => {
  it('none hashes the empty string', () => {
    expect(hashInput(normalizeUpstream({ name: 'u' }), ctx())).toEqual({ value: '' });
  });

  it('consumer, ip and path', () => {
    expect(hashInput(normalizeUpstream({ name: 'u', hash_on: 'consumer' }), ctx({ consumerId: 'c-1' })).value).toBe('c-1');
    expect(hashInput(normalizeUpstream({ name: 'u', hash_on: 'ip' }), ctx({ clientIp: '10.9.8.7' })).value).toBe('10.9.8.7');
    expect(hashInput(normalizeUpstream({ name: 'u', hash_on: 'path' }), ctx({ path: '/a/b' })).value).toBe('/a/b');
  });

  it('header is case-insensitive and joins repeated values', () => {
    const u = normalizeUpstream({ name: 'u', hash_on: 'header', hash_on_header: 'X-Tenant' });
    expect(hashInput(u, ctx({ headers: { 'x-tenant': 'acme' } })).value).toBe('acme');
    expect(hashInput(u, ctx({ headers: { 'X-Tenant': ['a', 'b'] } })).value).toBe('a, b');
  });

  it('query_arg sorts and joins multiple values; an empty value still counts', () => {
    const u = normalizeUpstream({ name: 'u', hash_on: 'query_arg', hash_on_query_arg: 'k', hash_fallback: 'ip' });
    expect(hashInput(u, ctx({ query: new URLSearchParams('k=z&k=a') })).value).toBe('a,z');
    expect(hashInput(u, ctx({ query: new URLSearchParams('k=') })).value).toBe('');
    expect(hashInput(u, ctx({ clientIp: '1.2.3.4' })).value).toBe('1.2.3.4');
  });

  it('uri_capture reads the router captures, then falls back to a header', () => {
    const u = normalizeUpstream({
      name: 'u',
      hash_on: 'uri_capture',
      hash_on_uri_capture: 'tenant',
      hash_fallback: 'header',
      hash_fallback_header: 'x-fb',
    });
    expect(hashInput(u, ctx({ uriCaptures: { tenant: 't1' } })).value).toBe('t1');
    expect(hashInput(u, ctx({ headers: { 'x-fb': 'fb' } })).value).toBe('fb');
    expect(hashInput(u, ctx()).value).toBe('');
  });

  it('cookie uses the client cookie, or invents one and asks for Set-Cookie', () => {
    const u = normalizeUpstream({ name: 'u', hash_on: 'cookie', hash_on_cookie: 'sticky', hash_on_cookie_path: '/app' });
    expect(hashInput(u, ctx({ cookies: { sticky: 'v1' } }))).toEqual({ value: 'v1' });
    expect(hashInput(u, ctx({ headers: { cookie: 'a=1; sticky=v2' } }))).toEqual({ value: 'v2' });
    const fresh = hashInput(u, ctx());
    expect(fresh.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.setCookie).toBe(`sticky=${fresh.value}; Path=/app; Same-Site=Lax; HttpOnly`);
  });
});
