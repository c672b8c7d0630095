/** request-transformer configuration (Kong's kong/plugins/request-transformer/schema.lua). */
import type { FieldDef, PluginSchemaDef } from '../../schema/types.js';
import * as t from '../../schema/typedefs.js';
import { splitPair, validateHeaderPair } from './config-pairs.js';
import { templateError } from './template.js';

export interface TransformSection {
  body: string[];
  headers: string[];
  querystring: string[];
}

export interface RequestTransformerConfig {
  http_method: string | null;
  remove: TransformSection;
  rename: TransformSection;
  replace: TransformSection & { uri: string | null };
  add: TransformSection;
  append: TransformSection;
}

/** Entries need a value after the colon, and the value must be a template we can evaluate. */
function checkForValue(entry: string): string | undefined {
  const { name, value } = splitPair(entry);
  if (value === '') return `key '${name}' has no value`;
  const err = templateError(value);
  return err === undefined ? undefined : `value '${value}' is not in supported format, error:${err}`;
}

const arr = (elements: FieldDef): FieldDef => ({ type: 'array', default: [], required: true, elements });

const strings = () => arr({ type: 'string' });
const headerNames = () => arr({ type: 'string', custom_validator: (v: string) => validateHeaderPair(v, false) });
const colonStrings = () => arr({ type: 'string', custom_validator: checkForValue });
const colonHeaderValues = () =>
  arr({
    type: 'string',
    match: /^[^:]+:[\s\S]*$/,
    custom_validator: (v: string) => validateHeaderPair(v, false) ?? checkForValue(v),
  });
const colonHeaderRenames = () => arr({ type: 'string', match: /^[^:]+:[\s\S]*$/, custom_validator: (v: string) => validateHeaderPair(v, true) });

export const requestTransformerSchema: PluginSchemaDef = {
  config: {
    http_method: t.httpMethod({ description: 'Changes the HTTP method for the upstream request.' }),
    remove: { type: 'record', fields: { body: strings(), headers: headerNames(), querystring: strings() } },
    rename: { type: 'record', fields: { body: colonStrings(), headers: colonHeaderRenames(), querystring: colonStrings() } },
    replace: {
      type: 'record',
      fields: {
        body: colonStrings(),
        headers: colonHeaderValues(),
        querystring: colonStrings(),
        uri: { type: 'string', custom_validator: (v: string) => templateError(v) && `value '${v}' is not in supported format, error:${templateError(v)}` },
      },
    },
    add: { type: 'record', fields: { body: colonStrings(), headers: colonHeaderValues(), querystring: colonStrings() } },
    append: { type: 'record', fields: { body: colonStrings(), headers: colonHeaderValues(), querystring: colonStrings() } },
  },
};
