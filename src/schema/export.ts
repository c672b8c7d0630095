/**
 * The JSON Kong serves at `GET /schemas/{entity}` and `/schemas/plugins/{name}`: fields as an
 * ordered list of `{ name: attributes }`, functions left out, nested records in the same form.
 * Divergence: `match`-style patterns are JavaScript regular expression sources, not Lua patterns.
 */
import type { EntityCheck, FieldDef, FieldsDef, RecordSchema } from './types.js';
import { getPluginSchema } from './registry.js';

export interface KongSchemaJson {
  fields: Record<string, unknown>[];
  entity_checks: Record<string, unknown>[];
}

function toJsonable(value: unknown, key?: string): unknown {
  if (value instanceof RegExp) return value.source;
  if (typeof value === 'function') return undefined;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (value === Infinity) return 'inf';
    if (value === -Infinity) return '-inf';
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => toJsonable(v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'fields' && key !== undefined) {
        out[k] = fieldsToJson(v as FieldsDef);
        continue;
      }
      const j = toJsonable(v, k);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  return value;
}

function fieldToJson(field: FieldDef): Record<string, unknown> {
  return toJsonable(field, 'field') as Record<string, unknown>;
}

export function fieldsToJson(fields: FieldsDef): Record<string, unknown>[] {
  return Object.entries(fields).map(([name, field]) => ({ [name]: fieldToJson(field) }));
}

function checksToJson(checks: readonly EntityCheck[] | undefined): Record<string, unknown>[] {
  return (checks ?? []).map((c) => toJsonable(c) as Record<string, unknown>);
}

/** `GET /schemas/{entity}`. */
export function schemaToKongJson(schema: RecordSchema): KongSchemaJson {
  return { fields: fieldsToJson(schema.fields), entity_checks: checksToJson(schema.entityChecks) };
}

/** `GET /schemas/plugins/{name}`; undefined for an unknown plugin (Kong: 404 `No plugin named '<x>'`). */
export function pluginSchemaToKongJson(name: string): KongSchemaJson | undefined {
  const plugin = getPluginSchema(name);
  if (!plugin) return undefined;
  return { fields: fieldsToJson(plugin.subschema.fields ?? {}), entity_checks: checksToJson(plugin.subschema.entityChecks) };
}

/** Deprecated `GET /plugins/schema/{name}`: only the config record's `{ fields }`. */
export function pluginConfigSchemaToKongJson(name: string): { fields: Record<string, unknown>[] } | undefined {
  const plugin = getPluginSchema(name);
  const config = plugin?.subschema.fields?.config;
  if (!config) return undefined;
  return { fields: fieldsToJson(config.fields ?? {}) };
}
