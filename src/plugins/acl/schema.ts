/** acl's config (kong/plugins/acl/schema.lua): exactly one of allow / deny. */
import type { PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';
import { aclsEntity } from './daos.js';

export interface AclConfig {
  allow: string[] | null;
  deny: string[] | null;
  hide_groups_header: boolean;
  always_use_authenticated_groups: boolean;
}

export const aclSchema: PluginSchemaDef = {
  noConsumer: true,
  protocols: t.HTTP_PROTOCOLS,
  config: {
    allow: { type: 'array', elements: { type: 'string' }, description: 'Groups allowed to use the service or route. Set exactly one of `config.allow` or `config.deny`.' },
    deny: { type: 'array', elements: { type: 'string' }, description: 'Groups refused from the service or route. Set exactly one of `config.allow` or `config.deny`.' },
    hide_groups_header: { type: 'boolean', required: true, default: false, description: 'Do not send the `X-Consumer-Groups` header upstream.' },
    always_use_authenticated_groups: {
      type: 'boolean',
      required: true,
      default: false,
      description: 'Use groups set by an authentication plugin (`authenticated_groups`) even when a consumer is identified; otherwise they are used only without a consumer or with the anonymous one.',
    },
  },
  entityChecks: [{ only_one_of: ['config.allow', 'config.deny'] }, { at_least_one_of: ['config.allow', 'config.deny'] }],
  daos: [aclsEntity],
};
