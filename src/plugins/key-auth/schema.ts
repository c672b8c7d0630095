/** key-auth's config (kong/plugins/key-auth/schema.lua): same fields, defaults and descriptions in our words. */
import type { PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';
import { keyauthCredentials } from './daos.js';

export interface KeyAuthConfig {
  key_names: string[];
  hide_credentials: boolean;
  anonymous: string | null;
  key_in_header: boolean;
  key_in_query: boolean;
  key_in_body: boolean;
  run_on_preflight: boolean;
  realm: string | null;
}

export const keyAuthSchema: PluginSchemaDef = {
  noConsumer: true,
  protocols: t.HTTP_PROTOCOLS,
  config: {
    key_names: {
      type: 'array',
      required: true,
      default: ['apikey'],
      elements: t.headerName(),
      description: 'Parameter names (header, query argument or body field) where the plugin looks for the key. Letters, digits, `_` and `-` only.',
    },
    hide_credentials: { type: 'boolean', required: true, default: false, description: 'Remove the key from the request before it is proxied.' },
    anonymous: { type: 'string', description: 'Consumer id or username used when authentication fails; unset means the request fails with 401.' },
    key_in_header: { type: 'boolean', required: true, default: true, description: 'Look for the key in request headers.' },
    key_in_query: { type: 'boolean', required: true, default: true, description: 'Look for the key in the query string.' },
    key_in_body: { type: 'boolean', required: true, default: false, description: 'Look for the key in a form-urlencoded or JSON body.' },
    run_on_preflight: { type: 'boolean', required: true, default: true, description: 'Authenticate `OPTIONS` preflight requests too; when false they always pass.' },
    realm: { type: 'string', required: false, description: 'The `realm` attribute of the `WWW-Authenticate` header sent on failure.' },
  },
  daos: [keyauthCredentials],
};
