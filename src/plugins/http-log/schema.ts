/** http-log configuration (Kong's kong/plugins/http-log/schema.lua and the shared queue record). */
import type { FieldDef, FieldsDef, PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';
import type { QueueConfig } from './queue.js';

export interface HttpLogConfig {
  http_endpoint: string;
  method: 'POST' | 'PUT' | 'PATCH';
  content_type: string;
  timeout: number;
  keepalive: number;
  retry_count: number | null;
  queue_size: number | null;
  flush_timeout: number | null;
  headers: Record<string, string> | null;
  queue: QueueConfig;
  custom_fields_by_lua: Record<string, string> | null;
}

/** Kong's typedefs.queue (kong/tools/queue_schema.lua). */
export const queueFields: FieldsDef = {
  max_batch_size: { type: 'integer', default: 1, between: [1, 1000000], description: 'Maximum number of entries that can be processed at a time.' },
  max_coalescing_delay: {
    type: 'number',
    default: 1,
    between: [0, 3600],
    description: 'Maximum number of (fractional) seconds to elapse after the first entry was queued before the queue starts calling the handler.',
  },
  max_entries: { type: 'integer', default: 10000, between: [1, 1000000], description: 'Maximum number of entries that can be waiting on the queue.' },
  max_bytes: { type: 'integer', description: 'Maximum number of bytes that can be waiting on a queue, requires string content.' },
  max_retry_time: { type: 'number', default: 60, description: 'Time in seconds before the queue gives up calling a failed handler for a batch.' },
  initial_retry_delay: {
    type: 'number',
    default: 0.01,
    between: [0.001, 1000000],
    description: 'Time in seconds before the initial retry is made for a failing batch.',
  },
  max_retry_delay: { type: 'number', default: 60, between: [0.001, 1000000], description: 'Maximum time in seconds between retries, caps exponential backoff.' },
  concurrency_limit: { type: 'integer', default: 1, one_of: [-1, 1], description: 'The number of of queue delivery timers. -1 indicates unlimited.' },
};

export const queueField = (): FieldDef => ({ type: 'record', required: true, fields: queueFields });

/**
 * Kong's typedefs.lua_code: sandboxed Lua that sets extra log fields. Silverback runs no Lua,
 * so a non-empty value is refused with a message saying so, instead of being ignored.
 */
export const customFieldsByLua = (): FieldDef => ({
  type: 'map',
  keys: { type: 'string', len_min: 1 },
  values: { type: 'string', len_min: 1 },
  custom_validator: (v: Record<string, string>) =>
    Object.keys(v).length === 0
      ? undefined
      : 'custom_fields_by_lua is not supported: Silverback does not run Lua code; remove config.custom_fields_by_lua',
});

function userinfoOf(endpoint: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#@]*)@/.exec(endpoint);
  return m ? m[1] : undefined;
}

export const httpLogSchema: PluginSchemaDef = {
  config: {
    http_endpoint: t.url({ required: true, encrypted: true, referenceable: true, description: 'The HTTP URL endpoint (including the protocol to use) to which the data is sent.' }),
    method: { type: 'string', default: 'POST', one_of: ['POST', 'PUT', 'PATCH'], description: 'The method used to send data to the HTTP server.' },
    content_type: {
      type: 'string',
      default: 'application/json',
      one_of: ['application/json', 'application/json; charset=utf-8'],
      description: 'Indicates the type of data sent.',
    },
    timeout: { type: 'number', default: 10000, description: 'Timeout in milliseconds when sending data to the upstream server.' },
    keepalive: { type: 'number', default: 60000, description: 'How long an idle connection to the log server lives, in milliseconds.' },
    retry_count: { type: 'integer', description: 'Deprecated: no longer used; use queue.max_retry_time.' },
    queue_size: { type: 'integer', description: 'Deprecated: use queue.max_batch_size.' },
    flush_timeout: { type: 'number', description: 'Deprecated: use queue.max_coalescing_delay.' },
    headers: {
      type: 'map',
      description: 'Headers included in the HTTP message to the log server.',
      keys: t.headerName({
        match_none: [
          { pattern: /^[Hh][Oo][Ss][Tt]$/, err: "cannot contain 'Host' header" },
          { pattern: /^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]$/, err: "cannot contain 'Content-Length' header" },
          { pattern: /^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Tt][Yy][Pp][Ee]$/, err: "cannot contain 'Content-Type' header" },
        ],
      }),
      values: { type: 'string', referenceable: true },
    },
    queue: queueField(),
    custom_fields_by_lua: customFieldsByLua(),
  },
  configEntityChecks: [
    {
      custom_entity_check: {
        field_sources: ['http_endpoint', 'headers'],
        fn: (config) => {
          const endpoint = config.http_endpoint;
          const headers = config.headers as Record<string, string> | null | undefined;
          if (typeof endpoint !== 'string' || !headers || !userinfoOf(endpoint)) return undefined;
          if (Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
            return "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed";
          }
          return undefined;
        },
      },
    },
  ],
};
