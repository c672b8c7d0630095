/** basicauth_credentials (kong/plugins/basic-auth/daos.lua). The password is hashed before it is stored. */
import type { EntityDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';
import { hashPassword } from './password-hash.js';

export const basicauthCredentials: EntityDef = {
  name: 'basicauth_credentials',
  primaryKey: ['id'],
  cacheKey: ['username'],
  endpointKey: 'username',
  workspaceable: true,
  adminPath: 'basic-auths',
  adminNestedPath: 'basic-auth',
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    username: { type: 'string', required: true, unique: true },
    password: { type: 'string', required: true, encrypted: true },
    tags: t.tags(),
  },
  // Hashing at input time rather than as a write transformation: only a password the client
  // actually sent is hashed, so a PATCH of `tags` never re-hashes the stored hash.
  normalizeInput: (input) => {
    if (typeof input.password === 'string') return { ...input, password: hashPassword(input.password) };
    return input;
  },
};
