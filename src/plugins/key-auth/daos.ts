/** keyauth_credentials (kong/plugins/key-auth/daos.lua): `key` is generated when absent. */
import type { EntityDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';

export const keyauthCredentials: EntityDef = {
  name: 'keyauth_credentials',
  primaryKey: ['id'],
  endpointKey: 'key',
  cacheKey: ['key'],
  workspaceable: true,
  ttl: true,
  adminPath: 'key-auths',
  adminNestedPath: 'key-auth',
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    key: { type: 'string', required: false, unique: true, auto: true },
    tags: t.tags(),
  },
};
