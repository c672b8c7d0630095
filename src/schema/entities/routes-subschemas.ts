/**
 * Route rules that depend on the protocols (kong/db/schema/entities/routes_subschemas.lua):
 * which matching fields are allowed, and which one of them must be set.
 */
import type { Subschema } from '../types.js';
import * as t from '../typedefs.js';

const http: Subschema = {
  name: 'http',
  fields: {
    sources: t.sources({ eq: null, err: "cannot set 'sources' when 'protocols' is 'http' or 'https'" }),
    destinations: t.destinations({ eq: null, err: "cannot set 'destinations' when 'protocols' is 'http' or 'https'" }),
  },
  entityChecks: [
    {
      conditional_at_least_one_of: {
        if_field: 'protocols',
        if_match: { contains: 'https' },
        then_at_least_one_of: ['methods', 'hosts', 'headers', 'paths', 'snis'],
        then_err: "must set one of %s when 'protocols' is 'https'",
        else_match: { contains: 'http' },
        else_then_at_least_one_of: ['methods', 'hosts', 'headers', 'paths'],
        else_then_err: "must set one of %s when 'protocols' is 'http'",
      },
    },
  ],
};

const STREAM = "'tcp', 'tls', 'tls_passthrough' or 'udp'";
const stream: Subschema = {
  name: 'tcp',
  fields: {
    methods: t.methods({ eq: null, err: `cannot set 'methods' when 'protocols' is ${STREAM}` }),
    hosts: t.hosts({ eq: null, err: `cannot set 'hosts' when 'protocols' is ${STREAM}` }),
    paths: t.routerPaths({ eq: null, err: `cannot set 'paths' when 'protocols' is ${STREAM}` }),
    headers: t.headers({ eq: null, err: `cannot set 'headers' when 'protocols' is ${STREAM}` }),
  },
  entityChecks: [
    {
      conditional_at_least_one_of: {
        if_field: 'protocols',
        if_match: { elements: { type: 'string', one_of: ['tcp', 'tls', 'udp'] } },
        then_at_least_one_of: ['sources', 'destinations', 'snis'],
        then_err: "must set one of %s when 'protocols' is 'tcp', 'tls' or 'udp'",
      },
    },
    {
      conditional_at_least_one_of: {
        if_field: 'protocols',
        if_match: { elements: { type: 'string', one_of: ['tls_passthrough'] } },
        then_at_least_one_of: ['snis'],
        then_err: "must set snis when 'protocols' is 'tls_passthrough'",
      },
    },
  ],
};

const grpc: Subschema = {
  name: 'grpc',
  fields: {
    strip_path: {
      type: 'boolean',
      required: true,
      default: false,
      ne: true,
      err: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'",
    },
    methods: t.methods({ eq: null, err: "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'" }),
    sources: t.sources({ eq: null, err: "cannot set 'sources' when 'protocols' is 'grpc' or 'grpcs'" }),
    destinations: t.sources({ eq: null, err: "cannot set 'destinations' when 'protocols' is 'grpc' or 'grpcs'" }),
  },
  entityChecks: [
    {
      conditional_at_least_one_of: {
        if_field: 'protocols',
        if_match: { contains: 'grpcs' },
        then_at_least_one_of: ['hosts', 'headers', 'paths', 'snis'],
        then_err: "must set one of %s when 'protocols' is 'grpcs'",
        else_match: { contains: 'grpc' },
        else_then_at_least_one_of: ['hosts', 'headers', 'paths'],
        else_then_err: "must set one of %s when 'protocols' is 'grpc'",
      },
    },
  ],
};

const byProtocol: Record<string, Subschema> = {
  http,
  https: http,
  tcp: stream,
  tls: stream,
  udp: stream,
  tls_passthrough: stream,
  grpc,
  grpcs: grpc,
};

export function routeSubschema(protocol: string): Subschema | undefined {
  return byProtocol[protocol];
}
