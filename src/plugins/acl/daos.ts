/** acls (kong/plugins/acl/daos.lua): one row per (consumer, group). */
import type { EntityDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';

export const aclsEntity: EntityDef = {
  name: 'acls',
  primaryKey: ['id'],
  cacheKey: ['consumer', 'group'],
  workspaceable: true,
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
    group: { type: 'string', required: true },
    tags: t.tags(),
  },
};
