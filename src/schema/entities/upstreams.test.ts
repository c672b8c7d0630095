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

const insert = (input: unknown) => validateEntity('upstreams', input, { operation: 'insert' });
const fieldsOf = (input: unknown) => violation(() => insert(input)).fields;
const UPSTREAM_ID = '7f8b6b5e-6d2e-4a2b-9c1f-2f6f3c1f0a11';

describe('upstreams', () => {
  it("fills Kong's defaults including the whole healthchecks record", () => {
    const out = insert({ name: 'backend.internal' });
    expect(out).toMatchObject({
      algorithm: 'round-robin',
      hash_on: 'none',
      hash_fallback: 'none',
      hash_on_cookie_path: '/',
      slots: 10000,
      use_srv_name: false,
      host_header: null,
      client_certificate: null,
    });
    expect(out.healthchecks).toEqual({
      active: {
        type: 'http',
        timeout: 1,
        concurrency: 10,
        http_path: '/',
        https_sni: null,
        https_verify_certificate: true,
        headers: null,
        healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
        unhealthy: { interval: 0, http_statuses: [429, 404, 500, 501, 502, 503, 504, 505], tcp_failures: 0, timeouts: 0, http_failures: 0 },
      },
      passive: {
        type: 'http',
        healthy: {
          http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
          successes: 0,
        },
        unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0 },
      },
      threshold: 0,
    });
  });

  it('fills nested defaults around a partial healthchecks record', () => {
    const out = insert({ name: 'u', healthchecks: { active: { healthy: { interval: 5 } } } });
    const hc = out.healthchecks as any;
    expect(hc.active.healthy).toEqual({ interval: 5, http_statuses: [200, 302], successes: 0 });
    expect(hc.active.concurrency).toBe(10);
    expect(hc.passive.unhealthy.http_statuses).toEqual([429, 500, 503]);
  });

  it('merges healthchecks deeply on PATCH', () => {
    const existing = insert({ name: 'u', healthchecks: { active: { timeout: 3 } } });
    const out = validateEntity('upstreams', { healthchecks: { active: { healthy: { successes: 2 } } } }, { operation: 'update', existing });
    const hc = out.healthchecks as any;
    expect(hc.active.timeout).toBe(3);
    expect(hc.active.healthy).toEqual({ interval: 0, http_statuses: [200, 302], successes: 2 });
  });

  it('reports nested healthcheck errors in a Lua-table rendering, as Kong does', () => {
    const err = violation(() => insert({ name: 'u', healthchecks: { active: { concurrency: 0 } } }));
    expect(err.fields).toEqual({ healthchecks: { active: { concurrency: 'value should be between 1 and 2147483648' } } });
    expect(err.message).toBe('schema violation (healthchecks.active: {\n  concurrency = "value should be between 1 and 2147483648"\n})');
  });

  it('validates the name as a hostname', () => {
    expect(fieldsOf({ name: '10.0.0.1' })).toEqual({ name: "Invalid name ('10.0.0.1'); no ip addresses allowed" });
    expect(fieldsOf({ name: 'a.test:80' })).toEqual({ name: "Invalid name ('a.test:80'); no port allowed" });
    expect(fieldsOf({ name: 'bad name' })).toEqual({ name: "Invalid name ('bad name'); must be a valid hostname" });
    expect(fieldsOf({})).toEqual({ name: 'required field missing' });
  });

  it('couples algorithm and hash_on', () => {
    expect(insert({ name: 'u', hash_on: 'ip' })).toMatchObject({ algorithm: 'consistent-hashing', hash_on: 'ip' });
    expect(insert({ name: 'u', algorithm: 'least-connections' })).toMatchObject({ algorithm: 'least-connections', hash_on: 'none' });
    expect(insert({ name: 'u', algorithm: 'consistent-hashing', hash_on: 'none' })).toMatchObject({ algorithm: 'round-robin' });
  });

  it('enforces the hash rules', () => {
    expect(fieldsOf({ name: 'u', hash_on: 'header' })).toEqual({
      hash_on_header: 'required field missing',
      '@entity': ["failed conditional validation given value of field 'hash_on'"],
    });
    expect(fieldsOf({ name: 'u', hash_on: 'ip', hash_fallback: 'ip' })).toEqual({
      hash_fallback: 'expected one of: none, consumer, header, cookie, path, query_arg, uri_capture',
      '@entity': ["failed conditional validation given value of field 'hash_on'"],
    });
    expect(fieldsOf({ name: 'u', hash_on: 'header', hash_on_header: 'X-A', hash_fallback: 'header', hash_fallback_header: 'X-A' })).toEqual({
      '@entity': ["values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'"],
    });
    expect(fieldsOf({ name: 'u', hash_on: 'cookie', hash_on_cookie: 'a b' })?.hash_on_cookie).toMatch(/^contains one or more invalid characters/);
  });
});

describe('targets', () => {
  const target = (input: Record<string, unknown>) =>
    validateEntity('targets', { upstream: { id: UPSTREAM_ID }, ...input }, { operation: 'insert', now: 1_712_345_678_123 });

  it('normalises the target with port 8000 and fills weight 100, ms timestamps', () => {
    expect(target({ target: '10.0.0.1' })).toMatchObject({ target: '10.0.0.1:8000', weight: 100, created_at: 1712345678.123 });
    expect(target({ target: 'api.test:81' }).target).toBe('api.test:81');
    expect(target({ target: '::1' }).target).toBe('[0000:0000:0000:0000:0000:0000:0000:0001]:8000');
    expect(target({ target: '[::1]:9000' }).target).toBe('[0000:0000:0000:0000:0000:0000:0000:0001]:9000');
  });

  it('rejects invalid targets, weights and a missing upstream', () => {
    expect(violation(() => target({ target: 'bad target', weight: 70000 })).fields).toEqual({
      target: "Invalid target ('bad target'); not a valid hostname or ip address",
      weight: 'value should be between 0 and 65535',
    });
    expect(violation(() => validateEntity('targets', { target: 'a.test' }, { operation: 'insert' })).fields).toEqual({
      upstream: 'required field missing',
    });
  });
});
