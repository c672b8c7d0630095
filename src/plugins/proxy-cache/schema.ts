/**
 * proxy-cache configuration (Kong's kong/plugins/proxy-cache/schema.lua): same fields,
 * defaults and checks. Only the `memory` strategy exists, as in Kong's open-source edition.
 */
import type { PluginSchemaDef } from '../../schema/types.js';

/**
 * Kong's memory strategy stores into an nginx shared dict and rejects names that are not
 * declared. We have no nginx template, so the dicts Kong declares out of the box are the ones
 * that exist; each is its own LRU area bounded by `mem_cache_size`.
 */
export const KNOWN_DICTIONARIES: readonly string[] = ['kong_db_cache', 'kong_core_db_cache', 'kong', 'kong_cache'];

export interface ProxyCacheConfig {
  response_code: number[];
  request_method: string[];
  content_type: string[];
  cache_ttl: number;
  strategy: 'memory';
  cache_control: boolean;
  ignore_uri_case: boolean;
  storage_ttl: number | null;
  memory: { dictionary_name: string };
  vary_query_params: string[] | null;
  vary_headers: string[] | null;
  response_headers: { age: boolean; 'X-Cache-Status': boolean; 'X-Cache-Key': boolean };
}

export const proxyCacheSchema: PluginSchemaDef = {
  config: {
    response_code: {
      type: 'array',
      description: 'Upstream response status code considered cacheable.',
      default: [200, 301, 404],
      elements: { type: 'integer', between: [100, 900] },
      len_min: 1,
      required: true,
    },
    request_method: {
      type: 'array',
      description: 'Downstream request methods considered cacheable.',
      default: ['GET', 'HEAD'],
      elements: { type: 'string', one_of: ['HEAD', 'GET', 'POST', 'PATCH', 'PUT'] },
      required: true,
    },
    content_type: {
      type: 'array',
      description: 'Upstream response content types considered cacheable (type/subtype and parameters must match; `*` wildcards allowed).',
      default: ['text/plain', 'application/json'],
      elements: { type: 'string' },
      required: true,
    },
    cache_ttl: { type: 'integer', description: 'TTL, in seconds, of cache entities.', default: 300, gt: 0 },
    strategy: { type: 'string', description: 'The backing data store in which to hold cache entities.', one_of: ['memory'], required: true },
    cache_control: {
      type: 'boolean',
      description: 'When enabled, respect the Cache-Control behaviors defined in RFC7234.',
      default: false,
      required: true,
    },
    ignore_uri_case: { type: 'boolean', description: 'Lower-case the request path before computing the cache key.', default: false, required: false },
    storage_ttl: {
      type: 'integer',
      description: 'Number of seconds to keep resources in the storage backend, independent of `cache_ttl` or Cache-Control TTLs.',
    },
    memory: {
      type: 'record',
      required: true,
      fields: {
        dictionary_name: {
          type: 'string',
          description: 'The memory area holding cache entities (Kong: the nginx shared dict name).',
          required: true,
          default: 'kong_db_cache',
        },
      },
    },
    vary_query_params: {
      type: 'array',
      description: 'Relevant query parameters considered for the cache key. If undefined, all params are taken into consideration.',
      elements: { type: 'string' },
    },
    vary_headers: {
      type: 'array',
      description: 'Relevant headers considered for the cache key. If undefined, none of the headers are taken into consideration.',
      elements: { type: 'string' },
    },
    response_headers: {
      type: 'record',
      required: true,
      description: 'Caching related diagnostic headers that should be included in cached responses',
      fields: {
        age: { type: 'boolean', default: true },
        'X-Cache-Status': { type: 'boolean', default: true },
        'X-Cache-Key': { type: 'boolean', default: true },
      },
    },
  },
  configEntityChecks: [
    {
      custom_entity_check: {
        field_sources: ['strategy', 'memory'],
        fn: (config) => {
          if (config.strategy !== 'memory') return undefined;
          const name = (config.memory as { dictionary_name?: string } | null)?.dictionary_name;
          if (name && !KNOWN_DICTIONARIES.includes(name)) return `missing shared dict '${name}'`;
          return undefined;
        },
      },
    },
  ],
};
