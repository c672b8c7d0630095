import { describe, it, expect } from 'vitest';
import { validateEntity } from '../index.js';
import { GatewayError, ErrorCode } from '../../errors.js';

function violation(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a schema violation');
}

const insert = (input: unknown) => validateEntity('services', input, { operation: 'insert', now: 1_700_000_000_123 });

describe('services', () => {
  it("fills Kong's defaults for a minimal service", () => {
    const out = insert({ host: 'example.com' });
    expect(out).toMatchObject({
      protocol: 'http',
      port: 80,
      retries: 5,
      connect_timeout: 60000,
      write_timeout: 60000,
      read_timeout: 60000,
      enabled: true,
      path: null,
      name: null,
      tags: null,
      tls_verify: null,
      tls_verify_depth: null,
      ca_certificates: null,
      client_certificate: null,
      created_at: 1_700_000_000,
      updated_at: 1_700_000_000,
    });
    expect(out.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(out)[0]).toBe('id');
  });

  it.each([
    ['http://example.test', { protocol: 'http', host: 'example.test', port: 80, path: null }],
    ['http://example.test/', { protocol: 'http', host: 'example.test', port: 80, path: '/' }],
    ['https://example.test', { protocol: 'https', host: 'example.test', port: 443, path: null }],
    ['http://example.test:443', { protocol: 'http', host: 'example.test', port: 443, path: null }],
    ['https://example2.test:80/', { protocol: 'https', host: 'example2.test', port: 80, path: '/' }],
    ['grpc://example.test:9000', { protocol: 'grpc', host: 'example.test', port: 9000, path: null }],
    ['http://user:pw@10.0.0.1:8080/a/b?x=1', { protocol: 'http', host: '10.0.0.1', port: 8080, path: '/a/b' }],
  ])('expands url %s', (url, expected) => {
    const out = insert({ url });
    expect(out).toMatchObject(expected);
    expect(out).not.toHaveProperty('url');
  });

  it('resets path on PATCH with a url that has none', () => {
    const existing = insert({ host: 'a.test', path: '/old' });
    const out = validateEntity('services', { url: 'http://b.test' }, { operation: 'update', existing });
    expect(out).toMatchObject({ host: 'b.test', path: null, created_at: existing.created_at });
  });

  it('rejects an empty url and a url without host', () => {
    expect(violation(() => insert({ url: '' })).fields).toEqual({ url: 'length must be at least 1' });
    expect(violation(() => insert({ url: 'example' })).fields).toEqual({
      host: 'required field missing',
      path: 'should start with: /',
    });
  });

  it('reports every problem at once, Kong-formatted', () => {
    const err = violation(() => insert({ protocol: 'ftp', port: 70000, retries: 'x', bogus: true }));
    expect(err.code).toBe(ErrorCode.SCHEMA_VIOLATION);
    expect(err.status).toBe(400);
    expect(err.fields).toEqual({
      protocol: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp',
      port: 'value should be between 0 and 65535',
      retries: 'expected an integer',
      bogus: 'unknown field',
      host: 'required field missing',
    });
    expect(err.message).toBe(
      '5 schema violations (bogus: unknown field; host: required field missing; port: value should be between 0 and 65535; ' +
        'protocol: expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp; retries: expected an integer)',
    );
    expect(err.toBody()).toMatchObject({ code: 2, name: 'schema violation' });
  });

  it('checks host and path typedefs', () => {
    expect(violation(() => insert({ host: 'example.com:80' })).fields).toEqual({ host: 'must not have a port' });
    expect(violation(() => insert({ host: 'exa mple' })).fields).toEqual({ host: 'invalid value: exa mple' });
    expect(violation(() => insert({ host: 'a.test', path: 'x' })).fields).toEqual({ path: 'should start with: /' });
    expect(violation(() => insert({ host: 'a.test', path: '/a//b' })).fields).toEqual({ path: 'must not have empty segments' });
    expect(violation(() => insert({ host: 'a.test', path: '/a%zz' })).fields).toEqual({ path: "invalid url-encoded value: '%zz'" });
    expect(violation(() => insert({ host: 'a.test', path: '/a b' })).fields).toEqual({
      path: "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)",
    });
    expect(violation(() => insert({ host: 'a.test', connect_timeout: 0 })).fields).toEqual({
      connect_timeout: 'value should be between 1 and 2147483646',
    });
  });

  it('allows TLS settings only for https and tls, and no path for stream/grpc protocols', () => {
    const err = violation(() => insert({ host: 'a.test', tls_verify: true, tls_verify_depth: 2 }));
    expect(err.fields).toEqual({
      tls_verify: 'value must be null',
      tls_verify_depth: 'value must be null',
      '@entity': [
        "failed conditional validation given value of field 'protocol'",
        "failed conditional validation given value of field 'protocol'",
      ],
    });
    expect(insert({ host: 'a.test', protocol: 'https', tls_verify: true }).tls_verify).toBe(true);
    expect(violation(() => insert({ host: 'a.test', protocol: 'grpc', path: '/x' })).fields).toEqual({
      path: 'value must be null',
      '@entity': ["failed conditional validation given value of field 'protocol'"],
    });
  });

  it('validates names and tags', () => {
    expect(violation(() => insert({ host: 'a.test', name: 'a b' })).fields).toEqual({
      name: "invalid value 'a b': the only accepted ascii characters are alphanumerics or ., -, _, and ~",
    });
    expect(insert({ host: 'a.test', name: '円-svc' }).name).toBe('円-svc');
    expect(insert({ host: 'a.test', tags: ['a', 'b', 'a'] }).tags).toEqual(['a', 'b']);
    expect(violation(() => insert({ host: 'a.test', tags: ['ok', 'a,b'] })).fields).toEqual({
      tags: [null, "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"],
    });
  });
});
