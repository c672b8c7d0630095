/** correlation-id configuration (Kong's kong/plugins/correlation-id/schema.lua). */
import type { PluginSchemaDef } from '../../schema/types.js';
import { HTTP_PROTOCOLS } from '../../schema/typedefs.js';

export const GENERATORS = ['uuid', 'uuid#counter', 'tracker'] as const;
export type GeneratorName = (typeof GENERATORS)[number];

export interface CorrelationIdConfig {
  header_name: string;
  generator: GeneratorName;
  echo_downstream: boolean;
}

export const correlationIdSchema: PluginSchemaDef = {
  protocols: HTTP_PROTOCOLS,
  config: {
    header_name: { type: 'string', description: 'The HTTP header name to use for the correlation ID.', default: 'Kong-Request-ID' },
    generator: {
      type: 'string',
      description: 'The generator to use for the correlation ID: `uuid`, `uuid#counter` or `tracker`.',
      default: 'uuid#counter',
      required: true,
      one_of: GENERATORS,
    },
    echo_downstream: { type: 'boolean', description: 'Whether to echo the header back to downstream (the client).', required: true, default: false },
  },
};
