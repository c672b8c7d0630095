import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { schemaToKongJson, pluginSchemaToKongJson, pluginConfigSchemaToKongJson, getEntity, registerPluginSchema, unregisterPluginSchema } from './index.js';

beforeAll(() => {
  registerPluginSchema('test-export', { config: { second: { type: 'number', gt: 0 } }, noRoute: true });
});
afterAll(() => unregisterPluginSchema('test-export'));

describe('schemaToKongJson', () => {
  it('serves services fields in order with Kong attributes and no functions', () => {
    const json = schemaToKongJson(getEntity('services'));
    const names = json.fields.map((f) => Object.keys(f)[0]);
    expect(names.slice(0, 8)).toEqual(['id', 'created_at', 'updated_at', 'name', 'retries', 'protocol', 'host', 'port']);
    const field = (n: string) => json.fields.find((f) => n in f)![n] as Record<string, unknown>;
    expect(field('id')).toEqual({ type: 'string', uuid: true, auto: true });
    expect(field('port')).toEqual({ type: 'integer', between: [0, 65535], required: true, default: 80 });
    expect(field('protocol')).toMatchObject({ type: 'string', required: true, default: 'http', one_of: expect.arrayContaining(['http', 'tls_passthrough']) });
    expect(field('host')).toEqual({ type: 'string', required: true });
    expect(field('path')).toEqual({ type: 'string', starts_with: '/', match_none: [{ pattern: '\\/\\/', err: 'must not have empty segments' }] });
    expect(field('client_certificate')).toEqual({ type: 'foreign', reference: 'certificates' });
    expect(json.entity_checks[0]).toEqual({
      conditional: { if_field: 'protocol', if_match: { one_of: ['tcp', 'tls', 'udp', 'grpc', 'grpcs'] }, then_field: 'path', then_match: { eq: null } },
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('renders nested record fields as ordered lists', () => {
    const json = schemaToKongJson(getEntity('upstreams'));
    const hc = json.fields.find((f) => 'healthchecks' in f)!.healthchecks as { fields: Record<string, any>[] };
    expect(hc.fields.map((f) => Object.keys(f)[0])).toEqual(['active', 'passive', 'threshold']);
    expect(hc.fields[0].active.fields[2]).toEqual({ concurrency: { type: 'integer', between: [1, 2 ** 31], default: 10 } });
  });
});

describe('plugin schema JSON', () => {
  it('serves the plugin subschema and the deprecated config-only form', () => {
    const json = pluginSchemaToKongJson('test-export')!;
    expect(json.fields.map((f) => Object.keys(f)[0])).toEqual(['route', 'config']);
    expect(json.fields[1].config).toEqual({ type: 'record', required: true, fields: [{ second: { type: 'number', gt: 0 } }] });
    expect(pluginConfigSchemaToKongJson('test-export')).toEqual({ fields: [{ second: { type: 'number', gt: 0 } }] });
    expect(pluginSchemaToKongJson('missing')).toBeUndefined();
  });
});
