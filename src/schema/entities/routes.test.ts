import { describe, it, expect } from 'vitest';
import { validateEntity } from '../index.js';
import { GatewayError } from '../../errors.js';

function violation(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a schema violation');
}

const insert = (input: unknown) => validateEntity('routes', input, { operation: 'insert' });
const fieldsOf = (input: unknown) => violation(() => insert(input)).fields;

describe('routes', () => {
  it("fills Kong's defaults", () => {
    expect(insert({ paths: ['/'] })).toMatchObject({
      protocols: ['http', 'https'],
      strip_path: true,
      preserve_host: false,
      regex_priority: 0,
      path_handling: 'v0',
      https_redirect_status_code: 426,
      request_buffering: true,
      response_buffering: true,
      service: null,
      methods: null,
      hosts: null,
      headers: null,
      snis: null,
      sources: null,
      destinations: null,
    });
  });

  it('gives the https message for {} and the http message for http only', () => {
    const err = violation(() => insert({}));
    expect(err.message).toBe("schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')");
    expect(err.fields).toEqual({ '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"] });
    expect(fieldsOf({ protocols: ['http'] })).toEqual({
      '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"],
    });
  });

  it('reports a bad protocol per element and forbids mixing protocol groups', () => {
    const err = violation(() => insert({ protocols: ['http', 'foo'], paths: ['/'] }));
    expect(err.fields).toEqual({ protocols: [null, 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp'] });
    expect(err.message).toBe('schema violation (protocols.2: expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp)');
    expect(fieldsOf({ protocols: ['http', 'tcp'], paths: ['/'] })?.protocols).toBe(
      "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')",
    );
    // Without any protocol that selects a subschema Kong stops early, with this (odd) wording.
    expect(fieldsOf({ protocols: [], paths: ['/'] })).toEqual({ protocols: 'unknown type: nil' });
    expect(fieldsOf({ protocols: ['ftp'], paths: ['/'] })).toEqual({ protocols: 'unknown type: ftp' });
  });

  it('applies the grpc subschema: strip_path false by default, true and methods rejected', () => {
    expect(insert({ protocols: ['grpc'], paths: ['/'] }).strip_path).toBe(false);
    expect(fieldsOf({ protocols: ['grpcs'], paths: ['/'], strip_path: true, methods: ['GET'] })).toEqual({
      strip_path: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'",
      methods: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'",
    });
    expect(fieldsOf({ protocols: ['grpc'] })).toEqual({
      '@entity': ["must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'grpc'"],
    });
  });

  it('applies the stream subschema', () => {
    expect(fieldsOf({ protocols: ['tcp'], paths: ['/'] })).toEqual({
      paths: "cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'",
      '@entity': ["must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"],
    });
    expect(fieldsOf({ protocols: ['tls_passthrough'] })).toEqual({ '@entity': ["must set snis when 'protocols' is 'tls_passthrough'"] });
    expect(insert({ protocols: ['tcp'], destinations: [{ ip: '10.0.0.0/8' }] }).destinations).toEqual([{ ip: '10.0.0.0/8', port: null }]);
    expect(fieldsOf({ protocols: ['tcp'], sources: [{}] })).toEqual({
      sources: [{ '@entity': ["at least one of these fields must be non-empty: 'ip', 'port'"] }],
    });
    expect(fieldsOf({ protocols: ['http'], paths: ['/'], sources: [{ ip: '1.2.3.4' }] })).toEqual({
      sources: "cannot set 'sources' when 'protocols' is 'http' or 'https'",
    });
  });

  it('allows snis only with a TLS protocol', () => {
    expect(fieldsOf({ protocols: ['http'], snis: ['a.test'], paths: ['/'] })).toEqual({
      snis: 'length must be 0',
      '@entity': ["'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"],
    });
    expect(insert({ snis: ['*.a.test'] }).snis).toEqual(['*.a.test']);
  });

  it('checks hosts wildcards and ports', () => {
    expect(insert({ hosts: ['*.example.com', 'example.*', 'x.test:8080'] }).hosts).toHaveLength(3);
    expect(fieldsOf({ hosts: ['a.*.com', '*.*.com', 'bad host'] })).toEqual({
      hosts: [
        'invalid wildcard: must be placed at leftmost or rightmost label',
        'invalid wildcard: must have at most one wildcard',
        'invalid hostname: bad host',
      ],
    });
  });

  it('checks paths: prefix normalisation, regexes, empty segments', () => {
    expect(insert({ paths: ['/a', '~/users/(?<id>\\d+)$', '~/x/(?P<n>\\w+)'] }).paths).toHaveLength(3);
    expect(fieldsOf({ paths: ['/a/../b', 'x', '/a//b', '~/(unclosed', '/%7e'] })).toEqual({
      paths: [
        "non-normalized path, consider use '/b' instead",
        'should start with: / (fixed path) or ~/ (regex path)',
        'must not have empty segments',
        expect.stringMatching(/^invalid regex: '\/\(unclosed' \(PCRE returned: /),
        "non-normalized path, consider use '/~' instead",
      ],
    });
  });

  it('forbids the host header and validates header names', () => {
    expect(fieldsOf({ headers: { Host: ['a'] } })).toEqual({
      headers: "cannot contain 'host' header, which must be specified in the 'hosts' attribute",
    });
    expect(fieldsOf({ headers: { 'x y': ['a'] } })).toEqual({
      headers: "bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'",
    });
    expect(insert({ headers: { 'x-version': ['v1'] } }).headers).toEqual({ 'x-version': ['v1'] });
  });

  it('checks https_redirect_status_code, methods and path_handling', () => {
    expect(fieldsOf({ paths: ['/'], https_redirect_status_code: 300, methods: ['get'], path_handling: 'v2' })).toEqual({
      https_redirect_status_code: 'expected one of: 426, 301, 302, 307, 308',
      methods: ['invalid value: get'],
      path_handling: 'expected one of: v0, v1',
    });
  });

  it('validates a nested foreign service without id against services', () => {
    expect(fieldsOf({ paths: ['/'], service: { protocol: 'foo' } })).toEqual({
      service: { protocol: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp' },
    });
    expect(fieldsOf({ paths: ['/'], service: {} })).toEqual({ service: { id: 'missing primary key' } });
    expect(fieldsOf({ paths: ['/'], service: { id: 'nope' } })).toEqual({ service: { id: 'expected a valid UUID' } });
  });
});
