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
    certificate: { type: 'foreign', reference: 'certificates', required: true },
  },
};
