import { parseQuery, encodeQuery } from './query.js';
import type { Query } from '../types.js';

/** kong.request.get_body: JSON and form-urlencoded by content type; anything else is not parsed. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    if (raw.length === 0) return undefined;
    return JSON.parse(raw.toString('utf8'));
  }
  if (type === 'application/x-www-form-urlencoded') return parseQuery(raw.toString('utf8'));
  return undefined;
}

/** kong.service.request.set_body: serialise by the upstream content type (JSON when none). */
export function serializeBody(body: unknown, contentType: string | undefined): { bytes: Buffer; contentType: string } {
  const type = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { bytes: Buffer.from(encodeQuery(body as Query)), contentType: contentType! };
  }
  return { bytes: Buffer.from(JSON.stringify(body)), contentType: contentType && type.includes('json') ? contentType : 'application/json' };
}
