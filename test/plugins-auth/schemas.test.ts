/**
 * Each plugin's config validation, through the same entry point the Admin API uses for
 * `POST /plugins` (the `plugins` entity with the plugin's subschema), with Kong's error trees.
 */
import { describe, expect, it } from 'vitest';
import { validateEntity } from '../../src/schema/index.js';
import { isGatewayError } from '../../src/errors.js';
import '../../src/plugins/bundled-auth.js';

function errorsOf(input: Record<string, unknown>): unknown {
  try {
    validateEntity('plugins', input, { operation: 'insert' });
  } catch (err) {
    if (isGatewayError(err)) return err.fields;
    throw err;
  }
  throw new Error(`expected a schema violation for ${JSON.stringify(input)}`);
}

const config = (input: Record<string, unknown>) => validateEntity('plugins', input, { operation: 'insert' }).config as Record<string, unknown>;
const CONSUMER = { id: 'a5a5a5a5-a5a5-4a5a-8a5a-a5a5a5a5a5a5' };

describe('key-auth config', () => {
  it("fills Kong's defaults", () => {
    expect(config({ name: 'key-auth' })).toEqual({
      key_names: ['apikey'], hide_credentials: false, anonymous: null, key_in_header: true, key_in_query: true, key_in_body: false, run_on_preflight: true, realm: null,
    });
  });
  it('refuses bad key names and consumer scoping', () => {
    expect(errorsOf({ name: 'key-auth', config: { key_names: ['bad name'] }, consumer: CONSUMER })).toEqual({
      config: { key_names: ["bad header name 'bad name', allowed characters are A-Z, a-z, 0-9, '_', and '-'"] },
      consumer: 'value must be null',
    });
  });
});

describe('basic-auth config', () => {
  it('defaults realm to service and refuses consumer scoping', () => {
    expect(config({ name: 'basic-auth' })).toEqual({ anonymous: null, hide_credentials: false, realm: 'service' });
    expect(errorsOf({ name: 'basic-auth', consumer: CONSUMER })).toEqual({ consumer: 'value must be null' });
  });
});

describe('acl config', () => {
  it('needs exactly one of allow / deny', () => {
    expect(errorsOf({ name: 'acl', config: { allow: ['a'], deny: ['b'] } })).toEqual({
      '@entity': ["exactly one of these fields must be non-empty: 'config.allow', 'config.deny'"],
    });
    expect(errorsOf({ name: 'acl', config: {} })).toEqual({
      '@entity': [
        "exactly one of these fields must be non-empty: 'config.allow', 'config.deny'",
        "at least one of these fields must be non-empty: 'config.allow', 'config.deny'",
      ],
    });
    expect(config({ name: 'acl', config: { deny: ['x'] } })).toMatchObject({ deny: ['x'], allow: null, hide_groups_header: false });
  });
});

describe('rate-limiting config', () => {
  it("accepts the Get Started example and fills Kong's defaults", () => {
    expect(config({ name: 'rate-limiting', config: { minute: 5, policy: 'local' } })).toMatchObject({
      minute: 5, second: null, limit_by: 'consumer', policy: 'local', fault_tolerant: true, hide_client_headers: false,
      error_code: 429, error_message: 'API rate limit exceeded', sync_rate: -1,
      redis: { host: null, port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false },
    });
  });
  it('needs a period, ordered limits, a known policy, and what limit_by refers to', () => {
    expect(errorsOf({ name: 'rate-limiting', config: {} })).toEqual({
      '@entity': ["at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'"],
    });
    expect(errorsOf({ name: 'rate-limiting', config: { minute: 5, hour: 2 } })).toEqual({
      config: { '@entity': ['The limit for hour(2.0) cannot be lower than the limit for minute(5.0)'] },
    });
    expect(errorsOf({ name: 'rate-limiting', config: { minute: 0 } })).toEqual({ config: { minute: 'value must be greater than 0' } });
    expect(errorsOf({ name: 'rate-limiting', config: { minute: 5, policy: 'nope' } })).toEqual({ config: { policy: 'expected one of: local, cluster, redis' } });
    expect(errorsOf({ name: 'rate-limiting', config: { minute: 5, limit_by: 'header' } })).toEqual({
      config: { header_name: 'required field missing' },
      '@entity': ["failed conditional validation given value of field 'config.limit_by'"],
    });
    expect(errorsOf({ name: 'rate-limiting', config: { minute: 5, policy: 'redis' } })).toEqual({
      '@entity': ["config.redis.host is required when config.policy is 'redis'"],
    });
  });
  it('accepts the legacy flat redis_* fields', () => {
    expect(config({ name: 'rate-limiting', config: { minute: 5, policy: 'redis', redis_host: '127.0.0.1', redis_port: 6380 } })).toMatchObject({ redis_host: '127.0.0.1', redis_port: 6380 });
  });
});

describe('ip-restriction config', () => {
  it('needs allow or deny of valid IPs/CIDRs and keeps Kong protocol defaults', () => {
    expect(errorsOf({ name: 'ip-restriction', config: {} })).toEqual({
      '@entity': ["at least one of these fields must be non-empty: 'config.allow', 'config.deny'"],
    });
    expect(errorsOf({ name: 'ip-restriction', config: { allow: ['1.2.3.4/33'] } })).toEqual({ config: { allow: ["invalid ip or cidr range: '1.2.3.4/33'"] } });
    const plugin = validateEntity('plugins', { name: 'ip-restriction', config: { deny: ['::1', '10.0.0.0/8'] } }, { operation: 'insert' });
    expect(plugin.protocols).toEqual(['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs']);
  });
});

describe('request-size-limiting config', () => {
  it('defaults to 128 megabytes and checks the unit', () => {
    expect(config({ name: 'request-size-limiting' })).toEqual({ allowed_payload_size: 128, size_unit: 'megabytes', require_content_length: false });
    expect(errorsOf({ name: 'request-size-limiting', config: { size_unit: 'gigabytes' } })).toEqual({ config: { size_unit: 'expected one of: megabytes, kilobytes, bytes' } });
  });
});

describe('credential entities', () => {
  it('generates a key for keyauth_credentials', () => {
    const cred = validateEntity('keyauth_credentials', { consumer: CONSUMER }, { operation: 'insert' });
    expect(typeof cred.key).toBe('string');
    expect((cred.key as string).length).toBeGreaterThanOrEqual(16);
  });
  it('stores basic-auth passwords hashed, never in clear', () => {
    const cred = validateEntity('basicauth_credentials', { consumer: CONSUMER, username: 'bob', password: 'kong' }, { operation: 'insert' });
    expect(cred.password).not.toBe('kong');
    expect(cred.password).toMatch(/^scrypt\$/);
  });
  it('requires a group for acls', () => {
    expect(() => validateEntity('acls', { consumer: CONSUMER }, { operation: 'insert' })).toThrow(/group/);
  });
});
