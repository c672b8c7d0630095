/** basic-auth's config (kong/plugins/basic-auth/schema.lua). */
import type { PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';
import { basicauthCredentials } from './daos.js';

export interface BasicAuthConfig {
  anonymous: string | null;
  hide_credentials: boolean;
  realm: string;
}

export const basicAuthSchema: PluginSchemaDef = {
  noConsumer: true,
  protocols: t.HTTP_PROTOCOLS,
  config: {
    anonymous: { type: 'string', description: 'Consumer id or username used when authentication fails (not its custom_id); unset means the request fails with 401.' },
    hide_credentials: { type: 'boolean', required: true, default: false, description: 'Remove the Authorization header before the request is proxied.' },
    realm: { type: 'string', required: true, default: 'service', description: 'The `realm` attribute of the `WWW-Authenticate` header sent on failure.' },
  },
  daos: [basicauthCredentials],
};
