/**
 * plugins (kong/db/schema/entities/plugins.lua). The plugin's `name` picks its registered
 * config schema, which specialises the abstract `config` (and may forbid a scope).
 */
import type { EntityDef } from '../types.js';
import * as t from '../typedefs.js';
import { getPluginSchema } from '../registry.js';

export const plugins: EntityDef = {
  name: 'plugins',
  primaryKey: ['id'],
  cacheKey: ['name', 'route', 'service', 'consumer'],
  endpointKey: 'instance_name',
  workspaceable: true,
  subschemaKey: 'name',
  subschemaError: "plugin '%s' not enabled; add it to the 'plugins' configuration property",
  resolveSubschema: (name) => getPluginSchema(name)?.subschema,
  fields: {
    id: t.uuid(),
    name: { type: 'string', required: true, description: "The name of the Plugin that's going to be added." },
    instance_name: t.utf8Name(),
    created_at: t.autoTimestampS(),
    updated_at: t.autoTimestampS(),
    route: { type: 'foreign', reference: 'routes', default: null, on_delete: 'cascade' },
    service: { type: 'foreign', reference: 'services', default: null, on_delete: 'cascade' },
    consumer: { type: 'foreign', reference: 'consumers', default: null, on_delete: 'cascade' },
    config: { type: 'record', abstract: true, description: 'The configuration properties for the Plugin.' },
    protocols: t.protocols(),
    enabled: { type: 'boolean', required: true, default: true },
    tags: t.tags(),
  },
};
