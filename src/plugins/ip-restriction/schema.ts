/** ip-restriction's config (kong/plugins/ip-restriction/schema.lua). */
import type { PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';

export interface IpRestrictionConfig {
  allow: string[] | null;
  deny: string[] | null;
  status: number | null;
  message: string | null;
}

export const ipRestrictionSchema: PluginSchemaDef = {
  protocols: t.PROTOCOLS,
  protocolsDefault: ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs'],
  config: {
    allow: { type: 'array', elements: t.ipOrCidr(), description: 'IPs or CIDR ranges allowed. Set at least one of `config.allow` or `config.deny`.' },
    deny: { type: 'array', elements: t.ipOrCidr(), description: 'IPs or CIDR ranges refused. Set at least one of `config.allow` or `config.deny`.' },
    status: { type: 'number', required: false, description: 'HTTP status sent to refused clients (default 403).' },
    message: { type: 'string', required: false, description: 'Message sent to refused clients (default `IP address not allowed: <ip>`).' },
  },
  entityChecks: [{ at_least_one_of: ['config.allow', 'config.deny'] }],
};
