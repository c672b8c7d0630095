/** services (kong/db/schema/entities/services.lua). */
import type { EntityDef, FieldMatch } from '../types.js';
import * as t from '../typedefs.js';
import { parseUrl } from '../support/url.js';

const nonzeroTimeout = (def: number) => ({ type: 'integer' as const, default: def, between: [1, 2 ** 31 - 2] as const });

/** TLS-only settings must stay null unless the protocol speaks TLS to the upstream. */
const onlyForTls = (field: string) => ({
  conditional: {
    if_field: 'protocol',
    if_match: { not_one_of: ['https', 'tls'] } as FieldMatch,
    then_field: field,
    then_match: { eq: null } as FieldMatch,
  },
});

/**
 * `url` sets protocol, host, port and path at once. The scheme wins; without one, a port of
 * 443 means https; the port defaults by protocol; a URL without a path clears `path`.
 */
function expandUrl(value: unknown): Record<string, unknown> {
  const parsed = parseUrl(String(value));
  const port = parsed.port !== undefined && /^\d+$/.test(parsed.port) ? Number(parsed.port) : undefined;
  const byPort = port === 80 ? 'http' : port === 443 ? 'https' : undefined;
  const protocol = parsed.scheme ?? byPort ?? 'http';
  return {
    protocol,
    host: parsed.host ?? null,
    port: port ?? parsed.port ?? (protocol === 'http' ? 80 : protocol === 'https' ? 443 : 80),
    path: parsed.path ?? null,
  };
}

export const services: EntityDef = {
  name: 'services',
  primaryKey: ['id'],
  endpointKey: 'name',
  workspaceable: true,
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    updated_at: t.autoTimestampS(),
    name: t.utf8Name(),
    retries: { type: 'integer', default: 5, between: [0, 32767], description: 'The number of retries to execute upon failure to proxy.' },
    protocol: t.protocol({ required: true, default: 'http' }),
    host: t.host({ required: true }),
    port: t.port({ required: true, default: 80 }),
    path: t.path(),
    connect_timeout: nonzeroTimeout(60000),
    write_timeout: nonzeroTimeout(60000),
    read_timeout: nonzeroTimeout(60000),
    tags: t.tags(),
    client_certificate: { type: 'foreign', reference: 'certificates' },
    tls_verify: { type: 'boolean' },
    tls_verify_depth: { type: 'integer', default: null, between: [0, 64] },
    ca_certificates: { type: 'array', elements: { type: 'string', uuid: true } },
    enabled: { type: 'boolean', required: true, default: true },
  },
  entityChecks: [
    {
      conditional: {
        if_field: 'protocol',
        if_match: { one_of: ['tcp', 'tls', 'udp', 'grpc', 'grpcs'] },
        then_field: 'path',
        then_match: { eq: null },
      },
    },
    onlyForTls('client_certificate'),
    onlyForTls('tls_verify'),
    onlyForTls('tls_verify_depth'),
    onlyForTls('ca_certificates'),
  ],
  shorthandFields: [{ name: 'url', type: { type: 'string' }, expand: expandUrl }],
};
