import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { validateEntity } from '../schema/index.js';
import './bundled-extra.js';
import { getBundledPlugin } from './registry.js';

const insert = (name: string, config: Record<string, unknown>) => validateEntity('plugins', { name, config }, { operation: 'insert' }) as { config: Record<string, any> };

function fields(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err.fields;
    throw err;
  }
  throw new Error('expected a schema violation');
}

describe('plugins II schemas', () => {
  it('registers the eight plugins with Kong priorities', () => {
    const priorities = Object.fromEntries(
      ['correlation-id', 'cors', 'request-transformer', 'response-transformer', 'proxy-cache', 'prometheus', 'http-log', 'file-log'].map((n) => [n, getBundledPlugin(n)?.handler.priority]),
    );
    expect(priorities).toEqual({ 'correlation-id': 100001, cors: 2000, 'request-transformer': 801, 'response-transformer': 800, 'proxy-cache': 100, prometheus: 13, 'http-log': 12, 'file-log': 9 });
  });

  it('fills proxy-cache defaults and checks the memory dictionary', () => {
    const c = insert('proxy-cache', { strategy: 'memory' }).config;
    expect(c).toMatchObject({ response_code: [200, 301, 404], request_method: ['GET', 'HEAD'], content_type: ['text/plain', 'application/json'], cache_ttl: 300, cache_control: false, memory: { dictionary_name: 'kong_db_cache' } });
    expect(fields(() => insert('proxy-cache', { strategy: 'memory', memory: { dictionary_name: 'nope' } }))).toEqual({ config: { '@entity': ["missing shared dict 'nope'"] } });
    expect(fields(() => insert('proxy-cache', {}))).toEqual({ config: { strategy: 'required field missing' } });
    expect(fields(() => insert('proxy-cache', { strategy: 'memory', cache_ttl: 0 }))).toEqual({ config: { cache_ttl: 'value must be greater than 0' } });
  });

  it('validates cors origins as regexes and fills its defaults', () => {
    expect(insert('cors', {}).config).toMatchObject({ methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'], credentials: false, preflight_continue: false, private_network: false });
    expect(fields(() => insert('cors', { origins: ['http://ok.test', '(bad'] }))).toEqual({ config: { origins: [null, "'(bad' is not a valid regex"] } });
  });

  it('checks transformer entries and templates', () => {
    expect(fields(() => insert('request-transformer', { add: { headers: ['x-empty:'] } }))).toEqual({ config: { add: { headers: ["key 'x-empty' has no value"] } } });
    expect(fields(() => insert('request-transformer', { add: { querystring: ["q:$(require('os'))"] } }))).toMatchObject({
      config: { add: { querystring: [expect.stringMatching(/^value '\$\(require\('os'\)\)' is not in supported format, error:function 'require' is not available/)] } },
    });
    expect(fields(() => insert('request-transformer', { rename: { headers: ['good:bad header'] } }))).toEqual({ config: { rename: { headers: ["'bad header' is not a valid header"] } } });
    expect(insert('request-transformer', { http_method: 'POST' }).config.remove).toEqual({ body: [], headers: [], querystring: [] });
    expect(fields(() => insert('response-transformer', { add: { json_types: ['date'] } }))).toEqual({ config: { add: { json_types: ['expected one of: boolean, number, string'] } } });
  });

  it('refuses custom_fields_by_lua with one clear line, and checks http-log and file-log fields', () => {
    const lua = { custom_fields_by_lua: { x: 'return 1' } };
    const msg = 'custom_fields_by_lua is not supported: Silverback does not run Lua code; remove config.custom_fields_by_lua';
    expect(fields(() => insert('file-log', { path: '/tmp/x.log', ...lua }))).toEqual({ config: { custom_fields_by_lua: msg } });
    expect(fields(() => insert('http-log', { http_endpoint: 'http://127.0.0.1:1/', ...lua }))).toEqual({ config: { custom_fields_by_lua: msg } });
    expect(fields(() => insert('file-log', { path: '/tmp/bad*name' }))).toEqual({ config: { path: 'not a valid filename' } });
    expect(fields(() => insert('http-log', { http_endpoint: 'http://u:p@127.0.0.1:1/', headers: { Authorization: 'x' } }))).toEqual({
      config: { '@entity': ["specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed"] },
    });
    expect(fields(() => insert('http-log', { http_endpoint: 'http://127.0.0.1:1/', headers: { Host: 'x' } }))).toEqual({ config: { headers: "cannot contain 'Host' header" } });
    expect(insert('http-log', { http_endpoint: 'http://127.0.0.1:1/' }).config).toMatchObject({
      method: 'POST',
      content_type: 'application/json',
      timeout: 10000,
      keepalive: 60000,
      queue: { max_batch_size: 1, max_coalescing_delay: 1, max_entries: 10000, max_retry_time: 60, initial_retry_delay: 0.01, max_retry_delay: 60, concurrency_limit: 1 },
    });
    expect(insert('correlation-id', {}).config).toEqual({ header_name: 'Kong-Request-ID', generator: 'uuid#counter', echo_downstream: false });
  });
});
