/**
 * routes (kong/db/schema/entities/routes.lua) for the traditional_compatible router flavour.
 * Divergence: Kong also compiles each route into an ATC expression as an entity check; we do not.
 */
import type { EntityDef } from '../types.js';
import * as t from '../typedefs.js';
import { routeSubschema } from './routes-subschemas.js';

export const routes: EntityDef = {
  name: 'routes',
  primaryKey: ['id'],
  endpointKey: 'name',
  workspaceable: true,
  subschemaKey: 'protocols',
  resolveSubschema: routeSubschema,
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    updated_at: t.autoTimestampS(),
    name: t.utf8Name(),
    protocols: {
      type: 'set',
      description: 'An array of the protocols this Route should allow.',
      len_min: 1,
      required: true,
      elements: t.protocol(),
      mutually_exclusive_subsets: [['http', 'https'], ['tcp', 'tls', 'udp'], ['tls_passthrough'], ['grpc', 'grpcs']],
      default: ['http', 'https'],
    },
    https_redirect_status_code: { type: 'integer', one_of: [426, 301, 302, 307, 308], default: 426, required: true },
    strip_path: { type: 'boolean', required: true, default: true },
    preserve_host: { type: 'boolean', required: true, default: false },
    request_buffering: { type: 'boolean', required: true, default: true },
    response_buffering: { type: 'boolean', required: true, default: true },
    tags: t.tags(),
    service: { type: 'foreign', reference: 'services' },
    snis: { type: 'set', description: 'A list of SNIs that match this Route.', elements: t.wildcardHost() },
    sources: t.sources(),
    destinations: t.destinations(),
    methods: t.methods(),
    hosts: t.hosts(),
    paths: t.routerPaths(),
    headers: t.headers({
      keys: t.headerName({
        match_none: [
          { pattern: /^host$/i, err: "cannot contain 'host' header, which must be specified in the 'hosts' attribute" },
        ],
      }),
    }),
    regex_priority: { type: 'integer', default: 0 },
    path_handling: { type: 'string', default: 'v0', one_of: ['v0', 'v1'] },
  },
  entityChecks: [
    {
      conditional: {
        if_field: 'protocols',
        if_match: { elements: { type: 'string', not_one_of: ['grpcs', 'https', 'tls', 'tls_passthrough'] } },
        then_field: 'snis',
        then_match: { len_eq: 0 },
        then_err: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'",
      },
    },
  ],
};
