import { describe, expect, it } from 'vitest';
import '../../src/schema/index.js';
import { getEntity, registerPluginSchema } from '../../src/schema/index.js';
import { decodeArgs, inferArgs, parseMultipart } from '../../src/admin/body.js';

const form = (s: string) => decodeArgs(new URLSearchParams(s));

describe('form decoding (Kong arguments.lua)', () => {
  it('repeated keys, [] and [n] make arrays; dots and [key] nest', () => {
    expect(form('methods=GET&methods=POST')).toEqual({ methods: ['GET', 'POST'] });
    expect(form('paths[]=/a&paths[]=/b')).toEqual({ paths: ['/a', '/b'] });
    expect(form('paths[2]=/b&paths[1]=/a')).toEqual({ paths: ['/a', '/b'] });
    expect(form('config.minute=5&config.policy=local')).toEqual({ config: { minute: '5', policy: 'local' } });
    expect(form('headers.x-version=v1&headers[x-other]=v2')).toEqual({ headers: { 'x-version': 'v1', 'x-other': 'v2' } });
    expect(form('service.id=abc')).toEqual({ service: { id: 'abc' } });
  });

  it('keeps odd keys as data and never touches prototypes', () => {
    const args = form('__proto__.polluted=1&constructor.prototype.x=2&.x=3');
    expect(Object.keys(args).sort()).toEqual(['.x', '__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('form coercion by schema', () => {
  it('numbers, booleans, one value for an array field, empty string as null', () => {
    const routes = getEntity('routes');
    expect(inferArgs(routes, form('regex_priority=3&strip_path=false&hosts=example.com&name=&paths[]=/a'))).toEqual({
      regex_priority: 3, strip_path: false, hosts: ['example.com'], name: null, paths: ['/a'],
    });
    expect(inferArgs(routes, form('regex_priority=abc'))).toEqual({ regex_priority: 'abc' });
  });

  it('plugin config follows the plugin named in the body or, for PATCH, the stored one', () => {
    registerPluginSchema('body-test-plugin', { config: { minute: { type: 'integer' }, on: { type: 'boolean' } } });
    const plugins = getEntity('plugins');
    expect(inferArgs(plugins, form('name=body-test-plugin&config.minute=5&config.on=true'))).toMatchObject({ config: { minute: 5, on: true } });
    expect(inferArgs(plugins, form('config.minute=7'), { name: 'body-test-plugin' })).toEqual({ config: { minute: 7 } });
  });

  it('foreign values are coerced with the referenced schema', () => {
    expect(inferArgs(getEntity('routes'), form('service.name=svc'))).toEqual({ service: { name: 'svc' } });
  });
});

describe('multipart', () => {
  it('reads parts, repeated names and JSON parts', () => {
    const body = Buffer.from(
      '--B\r\nContent-Disposition: form-data; name="name"\r\n\r\nsvc\r\n' +
        '--B\r\nContent-Disposition: form-data; name="tags[]"\r\n\r\na\r\n' +
        '--B\r\nContent-Disposition: form-data; name="tags[]"\r\n\r\nb\r\n' +
        '--B\r\nContent-Disposition: form-data; name="config"\r\nContent-Type: application/json\r\n\r\n{"minute":5}\r\n--B--\r\n',
    );
    expect(decodeArgs(parseMultipart(body, 'multipart/form-data; boundary=B'))).toEqual({ name: 'svc', tags: ['a', 'b'], config: { minute: 5 } });
    expect(parseMultipart(body, 'multipart/form-data')).toEqual([]);
  });
});
