/** request-size-limiting's config (kong/plugins/request-size-limiting/schema.lua). */
import type { PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';

export const SIZE_UNITS = ['megabytes', 'kilobytes', 'bytes'] as const;
export type SizeUnit = (typeof SIZE_UNITS)[number];

/** Kong counts in binary multiples: a "megabyte" is 2^20 bytes. */
export const UNIT_BYTES: Readonly<Record<SizeUnit, number>> = { bytes: 1, kilobytes: 1024, megabytes: 1048576 };

export interface RequestSizeLimitingConfig {
  allowed_payload_size: number;
  size_unit: SizeUnit;
  require_content_length: boolean;
}

export const requestSizeLimitingSchema: PluginSchemaDef = {
  protocols: t.HTTP_PROTOCOLS,
  config: {
    allowed_payload_size: { type: 'integer', default: 128, description: 'Largest request body allowed, in `size_unit`s (default 128 megabytes).' },
    size_unit: { type: 'string', required: true, default: 'megabytes', one_of: SIZE_UNITS, description: 'Unit of `allowed_payload_size`: `megabytes` (default), `kilobytes` or `bytes` (binary multiples).' },
    require_content_length: { type: 'boolean', required: true, default: false, description: 'Refuse requests without a valid `Content-Length` (chunked requests excepted) before reading the body.' },
  },
};
