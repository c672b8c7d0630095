/** cors configuration (Kong's kong/plugins/cors/schema.lua). */
import type { PluginSchemaDef } from '../../schema/types.js';
import { HTTP_PROTOCOLS } from '../../schema/typedefs.js';
import { compilePcre } from './origins.js';

export const CORS_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

export interface CorsConfig {
  origins: string[] | null;
  headers: string[] | null;
  exposed_headers: string[] | null;
  methods: string[] | null;
  max_age: number | null;
  credentials: boolean;
  private_network: boolean;
  preflight_continue: boolean;
  allow_origin_absent: boolean;
}

function asteriskOrRegex(value: string): string | undefined {
  if (value === '*' || compilePcre(value)) return undefined;
  return `'${value}' is not a valid regex`;
}

export const corsSchema: PluginSchemaDef = {
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: {
    origins: {
      type: 'array',
      description: 'Allowed origins for `Access-Control-Allow-Origin`: exact values or PCRE regexes; `*` or none allows all.',
      elements: { type: 'string', custom_validator: asteriskOrRegex },
    },
    headers: { type: 'array', description: 'Value for the `Access-Control-Allow-Headers` header.', elements: { type: 'string' } },
    exposed_headers: {
      type: 'array',
      description: 'Value for the `Access-Control-Expose-Headers` header. If not specified, no custom headers are exposed.',
      elements: { type: 'string' },
    },
    methods: {
      type: 'array',
      description: 'Value for the `Access-Control-Allow-Methods` header.',
      default: [...CORS_METHODS],
      elements: { type: 'string', one_of: CORS_METHODS },
    },
    max_age: { type: 'number', description: 'How long the results of the preflight request can be cached, in seconds.' },
    credentials: { type: 'boolean', description: 'Send `Access-Control-Allow-Credentials: true`.', required: true, default: false },
    private_network: {
      type: 'boolean',
      description: 'Send `Access-Control-Allow-Private-Network: true` when the preflight asks for it.',
      required: true,
      default: false,
    },
    preflight_continue: { type: 'boolean', description: 'Proxy the `OPTIONS` preflight request to the upstream service.', required: true, default: false },
    allow_origin_absent: {
      type: 'boolean',
      description: 'Add CORS response headers even when the request has no Origin header.',
      required: true,
      default: true,
    },
  },
};
