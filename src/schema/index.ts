/**
 * The schema module's public face. Importing it registers the core entities, so
 * `getEntity('services')` works for anyone who imports from here.
 */
import { registerCoreEntities } from './entities/index.js';

registerCoreEntities();

export type {
  Entity,
  EntityDef,
  EntityCheck,
  FieldDef,
  FieldsDef,
  FieldType,
  ForeignKey,
  OnDelete,
  Operation,
  PluginSchema,
  PluginSchemaDef,
  RecordSchema,
  ShorthandField,
  Subschema,
  Transformation,
} from './types.js';
export {
  registerEntity,
  getEntity,
  lookupEntity,
  getEntityByAdminPath,
  getChildEntityByAdminPath,
  listEntities,
  referencesTo,
  registerPluginSchema,
  getPluginSchema,
  listPluginSchemas,
  unregisterPluginSchema,
} from './registry.js';
export { validateEntity, type ValidateOptions } from './validate.js';
export { validateField, isUuid, type ErrorTree, type ErrValue } from './field-validation.js';
export { schemaViolation, schemaViolationMessage } from './violation.js';
export { schemaToKongJson, pluginSchemaToKongJson, pluginConfigSchemaToKongJson, type KongSchemaJson } from './export.js';
export { registerCoreEntities, coreEntities } from './entities/index.js';
export { normalizeTarget, DEFAULT_TARGET_PORT } from './entities/targets.js';
export { normalizePath } from './support/uri.js';
export { normalizeIp, formatHost } from './support/ip.js';
export { isVaultReference } from './support/pem.js';
export * as typedefs from './typedefs.js';
