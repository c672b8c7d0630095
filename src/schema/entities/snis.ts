/** snis (kong/db/schema/entities/snis.lua). */
import type { EntityDef } from '../types.js';
import * as t from '../typedefs.js';

export const snis: EntityDef = {
  name: 'snis',
  primaryKey: ['id'],
  endpointKey: 'name',
  workspaceable: true,
  fields: {
    id: t.uuid(),
    name: t.wildcardHost({ required: true, unique: true, unique_across_ws: true }),
    created_at: t.autoTimestampS(),
    updated_at: t.autoTimestampS(),
    tags: t.tags(),
    // Kong's snis table references certificates ON DELETE CASCADE (its certificates DAO deletes them too).
    certificate: { type: 'foreign', reference: 'certificates', required: true, on_delete: 'cascade' },
  },
};
