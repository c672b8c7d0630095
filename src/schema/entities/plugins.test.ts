import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { validateEntity, registerPluginSchema, unregisterPluginSchema, getEntity, getChildEntityByAdminPath, typedefs } from '../index.js';
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

const insert = (input: unknown) => validateEntity('plugins', input, { operation: 'insert' });
const fieldsOf = (input: unknown) => violation(() => insert(input)).fields;
const CONSUMER = { id: '0c6e1f4e-5e8a-4f62-9d5b-6a1f3e2d4c5b' };

beforeAll(() => {
  registerPluginSchema('test-limits', {
    protocols: ['http', 'https'],
    noConsumer: true,
    config: {
      minute: { type: 'number', gt: 0 },
      policy: { type: 'string', default: 'local', one_of: ['local', 'redis'] },
      redis: { type: 'record', fields: { host: typedefs.host(), port: typedefs.port({ default: 6379 }) } },
      header_name: typedefs.headerName({ default: 'X-Limit' }),
    },
    configEntityChecks: [{ at_least_one_of: ['minute'] }],
  });
  registerPluginSchema('test-auth', {
    config: { key_names: { type: 'array', elements: typedefs.headerName(), default: ['apikey'] } },
    daos: [
      {
        name: 'testauth_credentials',
        adminPath: 'test-auths',
        adminNestedPath: 'test-auth',
        ttl: true,
        fields: {
          id: typedefs.uuid(),
          created_at: typedefs.autoTimestampS(),
          consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
          key: { type: 'string', required: true, unique: true, auto: true },
        },
      },
    ],
  });
});

afterAll(() => {
  unregisterPluginSchema('test-limits');
  unregisterPluginSchema('test-auth');
});

describe('plugins', () => {
  it('fills entity and config defaults', () => {
    const out = insert({ name: 'test-limits', config: { minute: 5 } });
    expect(out).toMatchObject({
      enabled: true,
      protocols: ['http', 'https'],
      route: null,
      service: null,
      consumer: null,
      instance_name: null,
      config: { minute: 5, policy: 'local', redis: { host: null, port: 6379 }, header_name: 'X-Limit' },
    });
    expect(insert({ name: 'test-auth' }).protocols).toEqual(['grpc', 'grpcs', 'http', 'https']);
    expect(insert({ name: 'test-auth' }).config).toEqual({ key_names: ['apikey'] });
  });

  it('reports config errors under config.*', () => {
    const err = violation(() => insert({ name: 'test-limits', config: { minute: -1, policy: 'x', nope: 1 } }));
    expect(err.fields).toEqual({
      config: { minute: 'value must be greater than 0', policy: 'expected one of: local, redis', nope: 'unknown field' },
    });
    expect(err.message).toBe(
      '3 schema violations (config.minute: value must be greater than 0; config.nope: unknown field; config.policy: expected one of: local, redis)',
    );
  });

  it('runs config entity checks and nested records', () => {
    expect(fieldsOf({ name: 'test-limits', config: { redis: { port: 99999 } } })).toEqual({
      config: {
        redis: { port: 'value should be between 0 and 65535' },
        '@entity': ["at least one of these fields must be non-empty: 'minute'"],
      },
    });
  });

  it('rejects unknown and missing plugin names', () => {
    const err = violation(() => insert({ name: 'nope', config: {} }));
    expect(err.fields).toEqual({ name: "plugin 'nope' not enabled; add it to the 'plugins' configuration property" });
    expect(err.message).toBe("schema violation (name: plugin 'nope' not enabled; add it to the 'plugins' configuration property)");
    expect(fieldsOf({})).toEqual({ name: 'required field missing' });
  });

  it('applies the plugin scope and protocol restrictions', () => {
    expect(fieldsOf({ name: 'test-limits', config: { minute: 1 }, consumer: CONSUMER, protocols: ['grpc'] })).toEqual({
      consumer: 'value must be null',
      protocols: ['expected one of: http, https'],
    });
    expect(insert({ name: 'test-auth', consumer: CONSUMER }).consumer).toEqual(CONSUMER);
  });

  it('merges config on PATCH and lets null clear a field', () => {
    const existing = insert({ name: 'test-limits', config: { minute: 5, policy: 'redis', redis: { host: 'r.test' } } });
    const out = validateEntity('plugins', { config: { redis: { port: 6380 } }, instance_name: 'lim' }, { operation: 'update', existing });
    expect(out.config).toEqual({ minute: 5, policy: 'redis', redis: { host: 'r.test', port: 6380 }, header_name: 'X-Limit' });
    expect(out.instance_name).toBe('lim');
    const cleared = validateEntity('plugins', { instance_name: null }, { operation: 'update', existing: out });
    expect(cleared.instance_name).toBeNull();
  });

  it('registers plugin-owned entities through the same mechanism', () => {
    const entity = getEntity('testauth_credentials');
    expect(entity.adminPath).toBe('test-auths');
    expect(getChildEntityByAdminPath('consumers', 'test-auth')?.foreignKey).toMatchObject({ field: 'consumer', column: 'consumer_id', onDelete: 'cascade' });
    const cred = validateEntity('testauth_credentials', { consumer: CONSUMER, ttl: 60 }, { operation: 'insert' });
    expect(typeof cred.key).toBe('string');
    expect(cred.ttl).toBe(60);
  });
});

describe('consumers', () => {
  it('needs username or custom_id', () => {
    expect(violation(() => validateEntity('consumers', {}, { operation: 'insert' })).fields).toEqual({
      '@entity': ["at least one of these fields must be non-empty: 'custom_id', 'username'"],
    });
    expect(validateEntity('consumers', { username: 'any name at all' }, { operation: 'insert' })).toMatchObject({
      username: 'any name at all',
      custom_id: null,
      tags: null,
    });
  });

  it('words the check differently on update, as Kong does', () => {
    const existing = validateEntity('consumers', { username: 'a' }, { operation: 'insert' });
    expect(violation(() => validateEntity('consumers', { username: null }, { operation: 'update', existing })).fields).toEqual({
      '@entity': ["when updating, at least one of these fields must be non-empty: 'custom_id', 'username'"],
    });
  });
});
