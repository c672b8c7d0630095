/**
 * response-transformer actions (Kong's header_transformer.lua and body_transformer.lua),
 * in Kong's order: remove, rename, replace, add, append.
 */
import { mediaTypeIncludes, parseMediaType } from '../proxy-cache/mime-type.js';
import { splitPair } from '../request-transformer/config-pairs.js';
import type { JsonType, ResponseTransformerConfig } from './schema.js';

export interface Entry {
  name: string;
  /** Absent when nothing follows the colon. */
  value?: string;
}

export function entries(list: readonly string[] | null | undefined): Entry[] {
  return (list ?? []).map((e) => {
    const { name, value } = splitPair(e);
    return value === '' ? { name } : { name, value };
  });
}

/** Any of the comma-separated types is application/json or application/<x>+json. */
export function isJsonBody(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return contentType.split(',').some((ct) => {
    const m = parseMediaType(ct.trim());
    return m !== undefined && mediaTypeIncludes({ type: 'application', subtype: 'json' }, m);
  });
}

export function hasBodyTransform(conf: ResponseTransformerConfig): boolean {
  return [conf.add, conf.rename, conf.remove, conf.replace, conf.append].some((s) => (s?.json?.length ?? 0) > 0);
}

/** The operations the header transform needs from the response. */
export interface ResponseHeaders {
  get(name: string): string | string[] | undefined;
  set(name: string, value: string | string[]): void;
  add(name: string, value: string): void;
  clear(name: string): void;
}

export function transformResponseHeaders(conf: ResponseTransformerConfig, h: ResponseHeaders, bodyWillChange: boolean): void {
  for (const { name } of entries(conf.remove?.headers)) h.clear(name);
  for (const { name, value } of entries(conf.rename?.headers)) {
    const cur = h.get(name);
    if (cur === undefined || value === undefined) continue;
    h.set(value, cur);
    // A rename that only changes case must not lose the header.
    if (value.toLowerCase() !== name.toLowerCase()) h.clear(name);
  }
  for (const { name, value } of entries(conf.replace?.headers)) if (h.get(name) !== undefined && value !== undefined) h.set(name, value);
  for (const { name, value } of entries(conf.add?.headers)) if (h.get(name) === undefined && value !== undefined) h.set(name, value);
  for (const { name, value } of entries(conf.append?.headers)) if (value !== undefined) h.add(name, value);
  // The body is about to change size.
  if (bodyWillChange) h.clear('Content-Length');
}

/**
 * Kong passes each value through cjson.encode and strips the quotes again, which leaves
 * JSON escapes (other than \" and \/) in the text; then casts by json_types.
 */
export function jsonValue(value: string | undefined, type: JsonType | undefined): unknown {
  if (value === undefined) return undefined;
  const v = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"');
  if (type === 'number') {
    const n = v.trim() === '' ? NaN : Number(v);
    return Number.isNaN(n) ? undefined : n;
  }
  if (type === 'boolean') return v === 'true';
  return v;
}

function truthy(v: unknown): boolean {
  return v !== undefined && v !== false;
}

function appendValue(cur: unknown, value: unknown): unknown[] {
  if (typeof cur === 'string') return [cur, value];
  if (Array.isArray(cur)) return [...cur, value];
  return [value];
}

/** The new body, or an error when the body is not a JSON object. */
export function transformJsonBody(conf: ResponseTransformerConfig, body: string): { body: string } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: 'failed parsing json body' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { error: 'failed parsing json body' };
  const obj = json as Record<string, unknown>;

  for (const { name } of entries(conf.remove?.json)) delete obj[name];
  for (const { name, value } of entries(conf.rename?.json)) {
    if (obj[name] === undefined || value === undefined) continue;
    const v = obj[name];
    delete obj[name];
    obj[value] = v;
  }
  entries(conf.replace?.json).forEach(({ name, value }, i) => {
    const v = jsonValue(value, conf.replace.json_types?.[i]);
    if (truthy(obj[name]) && v !== undefined) obj[name] = v;
  });
  entries(conf.add?.json).forEach(({ name, value }, i) => {
    const v = jsonValue(value, conf.add.json_types?.[i]);
    if (!truthy(obj[name]) && v !== undefined) obj[name] = v;
  });
  entries(conf.append?.json).forEach(({ name, value }, i) => {
    const v = jsonValue(value, conf.append.json_types?.[i]);
    if (v !== undefined) obj[name] = appendValue(obj[name], v);
  });
  return { body: JSON.stringify(obj) };
}
