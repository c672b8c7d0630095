/** upstreams (kong/db/schema/entities/upstreams.lua), with the full healthchecks record. */
import type { EntityCheck, EntityDef, FieldDef } from '../types.js';
import * as t from '../typedefs.js';
import { normalizeIp } from '../support/ip.js';
import { healthchecks } from './upstreams-healthchecks.js';

const HASH_MODES = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'];
const hashOn = (): FieldDef => ({ type: 'string', default: 'none', one_of: HASH_MODES });
const simpleParam = (): FieldDef => ({ type: 'string', len_min: 1 });

function validateUpstreamName(name: string): string | undefined {
  const shown = `Invalid name ('${name}')`;
  const r = normalizeIp(name);
  if (!r.ok) return `${shown}; must be a valid hostname`;
  if (r.value.type !== 'name') return `${shown}; no ip addresses allowed`;
  if (r.value.port !== undefined) return `${shown}; no port allowed`;
  return undefined;
}

const requiredWhen = (ifField: string, mode: string, thenField: string): EntityCheck => ({
  conditional: { if_field: ifField, if_match: { match: new RegExp(`^${mode}$`) }, then_field: thenField, then_match: { required: true } },
});

/** hash_fallback may not repeat hash_on (header, query_arg and uri_capture have their own distinct checks). */
const fallbackAmong = (mode: string, allowed: string[]): EntityCheck => ({
  conditional: { if_field: 'hash_on', if_match: { match: new RegExp(`^${mode}$`) }, then_field: 'hash_fallback', then_match: { one_of: allowed } },
});

export const upstreams: EntityDef = {
  name: 'upstreams',
  primaryKey: ['id'],
  endpointKey: 'name',
  workspaceable: true,
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    name: { type: 'string', required: true, unique: true, custom_validator: validateUpstreamName },
    updated_at: t.autoTimestampS(),
    algorithm: { type: 'string', default: 'round-robin', one_of: ['consistent-hashing', 'least-connections', 'round-robin', 'latency'] },
    hash_on: hashOn(),
    hash_fallback: hashOn(),
    hash_on_header: t.headerName(),
    hash_fallback_header: t.headerName(),
    hash_on_cookie: t.cookieName(),
    hash_on_cookie_path: t.path({ default: '/' }),
    hash_on_query_arg: simpleParam(),
    hash_fallback_query_arg: simpleParam(),
    hash_on_uri_capture: simpleParam(),
    hash_fallback_uri_capture: simpleParam(),
    slots: { type: 'integer', default: 10000, between: [10, 2 ** 16] },
    healthchecks,
    tags: t.tags(),
    host_header: t.hostWithOptionalPort(),
    client_certificate: { type: 'foreign', reference: 'certificates' },
    use_srv_name: { type: 'boolean', default: false },
  },
  entityChecks: [
    requiredWhen('hash_on', 'header', 'hash_on_header'),
    requiredWhen('hash_fallback', 'header', 'hash_fallback_header'),
    requiredWhen('hash_on', 'cookie', 'hash_on_cookie'),
    requiredWhen('hash_fallback', 'cookie', 'hash_on_cookie'),
    fallbackAmong('none', ['none']),
    fallbackAmong('cookie', ['none']),
    fallbackAmong('consumer', ['none', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture']),
    fallbackAmong('ip', ['none', 'consumer', 'header', 'cookie', 'path', 'query_arg', 'uri_capture']),
    fallbackAmong('path', ['none', 'consumer', 'header', 'cookie', 'query_arg', 'ip', 'uri_capture']),
    { distinct: ['hash_on_header', 'hash_fallback_header'] },
    requiredWhen('hash_on', 'query_arg', 'hash_on_query_arg'),
    requiredWhen('hash_fallback', 'query_arg', 'hash_fallback_query_arg'),
    { distinct: ['hash_on_query_arg', 'hash_fallback_query_arg'] },
    requiredWhen('hash_on', 'uri_capture', 'hash_on_uri_capture'),
    requiredWhen('hash_fallback', 'uri_capture', 'hash_fallback_uri_capture'),
    { distinct: ['hash_on_uri_capture', 'hash_fallback_uri_capture'] },
  ],
  // Kong keeps `algorithm` and `hash_on` coupled through shorthands, in this order: an
  // algorithm without hashing clears hash_on; a hash_on other than none forces consistent-hashing.
  shorthandFields: [
    {
      name: 'algorithm',
      type: { type: 'string' },
      expand: (value) =>
        value === 'least-connections' || value === 'latency' ? { algorithm: value, hash_on: null } : { algorithm: value },
    },
    {
      name: 'hash_on',
      type: { type: 'string' },
      expand: (value) => {
        if (value === null) return { hash_on: 'none' };
        if (value === 'none') return { hash_on: value, algorithm: 'round-robin' };
        return { hash_on: value, algorithm: 'consistent-hashing' };
      },
    },
  ],
};
