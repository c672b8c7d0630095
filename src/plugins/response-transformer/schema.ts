/** response-transformer configuration (Kong's kong/plugins/response-transformer/schema.lua). */
import type { FieldDef, PluginSchemaDef } from '../../schema/types.js';
import { HTTP_PROTOCOLS } from '../../schema/typedefs.js';
import { validateHeaderPair } from '../request-transformer/config-pairs.js';

export type JsonType = 'boolean' | 'number' | 'string';

export interface ResponseTransformerConfig {
  remove: { json: string[]; headers: string[] };
  rename: { json: string[]; headers: string[] };
  replace: { json: string[]; json_types: JsonType[]; headers: string[] };
  add: { json: string[]; json_types: JsonType[]; headers: string[] };
  append: { json: string[]; json_types: JsonType[]; headers: string[] };
}

const arr = (elements: FieldDef): FieldDef => ({ type: 'array', default: [], required: true, elements });
const strings = () => arr({ type: 'string' });
const colonStrings = () => arr({ type: 'string', match: /^[^:]+:[\s\S]*$/ });
const jsonTypes = (): FieldDef => ({
  ...arr({ type: 'string', one_of: ['boolean', 'number', 'string'] }),
  description: 'JSON types of the values, by position: boolean, number or string.',
});
const colonHeaderRenames = () => arr({ type: 'string', match: /^[^:]+:[\s\S]*$/, custom_validator: (v: string) => validateHeaderPair(v, true) });
const colonRecord = (): FieldDef => ({ type: 'record', fields: { json: colonStrings(), json_types: jsonTypes(), headers: colonStrings() } });

export const responseTransformerSchema: PluginSchemaDef = {
  protocols: HTTP_PROTOCOLS,
  config: {
    remove: { type: 'record', fields: { json: strings(), headers: strings() } },
    rename: { type: 'record', fields: { json: colonStrings(), headers: colonHeaderRenames() } },
    replace: colonRecord(),
    add: colonRecord(),
    append: colonRecord(),
  },
};
