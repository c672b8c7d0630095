/** consumers (kong/db/schema/entities/consumers.lua). */
import type { EntityDef } from '../types.js';
import * as t from '../typedefs.js';

export const consumers: EntityDef = {
  name: 'consumers',
  primaryKey: ['id'],
  endpointKey: 'username',
  workspaceable: true,
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    updated_at: t.autoTimestampS(),
    username: { type: 'string', unique: true },
    custom_id: { type: 'string', unique: true },
    tags: t.tags(),
  },
  entityChecks: [{ at_least_one_of: ['custom_id', 'username'] }],
};
