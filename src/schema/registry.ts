/**
 * The one registry of entity schemas and plugin config schemas. Core entities and plugins
 * register the same way; the DAO, Admin API, declarative loader and `/schemas` read from here.
 */
import type { Entity, EntityDef, ForeignKey, PluginSchema, PluginSchemaDef, Subschema, FieldDef } from './types.js';
import { defineEntity, makeRecordsRequired } from './entity.js';
import { HTTP_PROTOCOLS, noConsumer, noRoute, noService } from './typedefs.js';

const entities = new Map<string, Entity>();
const plugins = new Map<string, PluginSchema>();

/** Registers (or replaces) an entity; returns the normalised Entity. */
export function registerEntity(def: EntityDef): Entity {
  const entity = defineEntity(def);
  const clash = [...entities.values()].find((e) => e.name !== entity.name && e.adminPath === entity.adminPath);
  if (clash) throw new Error(`admin path '/${entity.adminPath}' of '${entity.name}' is already used by '${clash.name}'`);
  entities.set(entity.name, entity);
  return entity;
}

/** The entity, or undefined: for callers that handle unknown names themselves. */
export function lookupEntity(name: string): Entity | undefined {
  return entities.get(name);
}

/** The entity; throws when no entity has that name (a programming error, not user input). */
export function getEntity(name: string): Entity {
  const entity = entities.get(name);
  if (!entity) throw new Error(`no entity named '${name}' is registered`);
  return entity;
}

/** By top-level Admin API segment: `routes`, `/key-auths`. */
export function getEntityByAdminPath(path: string): Entity | undefined {
  const segment = path.replace(/^\/+|\/+$/g, '');
  for (const e of entities.values()) if (e.adminPath === segment) return e;
  return undefined;
}

/**
 * The child collection under a parent: `/consumers/{c}/key-auth` is
 * `getChildEntityByAdminPath('consumers', 'key-auth')` → keyauth_credentials via its `consumer` key.
 */
export function getChildEntityByAdminPath(parent: string, segment: string): { entity: Entity; foreignKey: ForeignKey } | undefined {
  for (const e of entities.values()) {
    if (e.adminNestedPath !== segment) continue;
    const fk = e.foreignKeys.find((f) => f.reference === parent);
    if (fk) return { entity: e, foreignKey: fk };
  }
  return undefined;
}

/** Entities in registration order (core entities first, in dependency order). */
export function listEntities(): Entity[] {
  return [...entities.values()];
}

/** Every foreign key pointing at `name`, for cascades and restricted deletes. */
export function referencesTo(name: string): { entity: Entity; foreignKey: ForeignKey }[] {
  return listEntities().flatMap((e) => e.foreignKeys.filter((f) => f.reference === name).map((foreignKey) => ({ entity: e, foreignKey })));
}

function buildPluginSubschema(name: string, def: PluginSchemaDef): Subschema {
  const fields: Record<string, FieldDef> = {};
  if (def.noConsumer) fields.consumer = noConsumer();
  if (def.noRoute) fields.route = noRoute();
  if (def.noService) fields.service = noService();
  if (def.protocols) {
    const allowed = [...def.protocols].sort();
    fields.protocols = {
      type: 'set',
      required: true,
      default: [...(def.protocolsDefault ?? allowed)],
      elements: { type: 'string', one_of: allowed },
    };
  }
  fields.config = { type: 'record', required: true, fields: def.config, entity_checks: def.configEntityChecks };
  return { name, fields: makeRecordsRequired(fields), entityChecks: def.entityChecks };
}

/** Registers a plugin's config schema (and the entities it owns). */
export function registerPluginSchema(name: string, def: PluginSchemaDef): PluginSchema {
  const schema: PluginSchema = Object.freeze({ ...def, name, subschema: buildPluginSubschema(name, def) });
  plugins.set(name, schema);
  for (const dao of def.daos ?? []) registerEntity(dao);
  return schema;
}

export function getPluginSchema(name: string): PluginSchema | undefined {
  return plugins.get(name);
}

export function listPluginSchemas(): PluginSchema[] {
  return [...plugins.values()];
}

/** For tests and plugin reloads. */
export function unregisterPluginSchema(name: string): void {
  plugins.delete(name);
}

/** Protocols a plugin accepts when it does not say. */
export const DEFAULT_PLUGIN_PROTOCOLS: readonly string[] = HTTP_PROTOCOLS;
