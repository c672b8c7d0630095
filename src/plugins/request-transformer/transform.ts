/**
 * The request-transformer actions on plain data, in Kong's order for each part:
 * remove, rename, replace, add, append. Values are templates rendered per request.
 */
import type { Query, QueryValue } from '../types.js';
import { splitPair } from './config-pairs.js';
import { type CompiledTemplate, compileTemplate } from './template.js';

export interface Pair {
  name: string;
  /** Undefined for entries without a value (remove lists). */
  value?: CompiledTemplate;
}

export interface CompiledSection {
  body: Pair[];
  headers: Pair[];
  querystring: Pair[];
}

export function compilePairs(entries: readonly string[] | null | undefined, withValues: boolean): Pair[] {
  return (entries ?? []).map((entry) => {
    if (!withValues) return { name: entry };
    const { name, value } = splitPair(entry);
    return { name, value: value === '' ? undefined : compileTemplate(value) };
  });
}

export type Render = (tpl: CompiledTemplate | undefined) => string;

/** Kong's append_value: a string becomes a pair, an array grows, anything else starts a list. */
export function appendValue<T>(current: unknown, value: T): T[] | unknown[] {
  if (typeof current === 'string') return [current, value];
  if (Array.isArray(current)) return [...current, value];
  return [value];
}

/** Lua truthiness: only absent (nil) and false are false; JSON null is a value (cjson.null). */
function present(v: unknown): boolean {
  return v !== undefined && v !== false;
}

// ------------------------------------------------------------------------------ headers

export interface HeaderChanges {
  /** Lower-cased names to clear upstream. */
  clear: string[];
  /** Headers to set upstream (name as configured, value). */
  set: [string, string | string[]][];
}

/**
 * `headers` are the client's (lower-cased names). Host is never touched except by `replace`,
 * as in Kong. Returns what to clear and set on the upstream request.
 */
export function transformHeaders(
  headers: Readonly<Record<string, string | string[]>>,
  sections: { remove: Pair[]; rename: Pair[]; replace: Pair[]; add: Pair[]; append: Pair[] },
  render: Render,
): HeaderChanges {
  // name (lower) → [display name, value]
  const table = new Map<string, [string, string | string[]]>();
  for (const [k, v] of Object.entries(headers)) if (k !== 'host') table.set(k, [k, v]);
  const original = new Map(table);
  const cleared = new Set<string>();

  for (const { name } of sections.remove) {
    const lower = name.toLowerCase();
    if (table.delete(lower)) cleared.add(lower);
  }
  for (const { name, value } of sections.rename) {
    const newName = render(value);
    const lower = name.toLowerCase();
    const newLower = newName.toLowerCase();
    const cur = table.get(lower);
    if (!cur || lower === newLower && name === newName) continue;
    table.delete(lower);
    table.set(newLower, [newName, cur[1]]);
    if (lower !== newLower) cleared.add(lower);
  }
  for (const { name, value } of sections.replace) {
    const lower = name.toLowerCase();
    if (table.has(lower) || lower === 'host') table.set(lower, [name, render(value)]);
  }
  for (const { name, value } of sections.add) {
    const lower = name.toLowerCase();
    if (!table.has(lower) && lower !== 'host') table.set(lower, [name, render(value)]);
  }
  for (const { name, value } of sections.append) {
    const lower = name.toLowerCase();
    const cur = table.get(lower);
    table.set(lower, [name, appendValue(cur?.[1], render(value)) as string[]]);
  }

  const set: [string, string | string[]][] = [];
  for (const [lower, [display, v]] of table) {
    const before = original.get(lower);
    if (!before || before[1] !== v || before[0] !== display) set.push([display, v]);
    cleared.delete(lower);
  }
  return { clear: [...cleared], set };
}

// ------------------------------------------------------------------------------ querystring

export function transformQuery(
  query: Readonly<Query>,
  sections: { remove: Pair[]; rename: Pair[]; replace: Pair[]; add: Pair[]; append: Pair[] },
  render: Render,
): Query {
  const q: Query = { ...query };
  for (const { name } of sections.remove) delete q[name];
  for (const { name, value } of sections.rename) {
    const newName = render(value);
    if (name === newName || !present(q[name])) continue;
    q[newName] = q[name];
    delete q[name];
  }
  for (const { name, value } of sections.replace) if (present(q[name])) q[name] = render(value);
  for (const { name, value } of sections.add) if (!present(q[name])) q[name] = render(value);
  for (const { name, value } of sections.append) q[name] = appendValue(q[name], render(value)) as QueryValue;
  return q;
}

// ------------------------------------------------------------------------------ bodies

type Params = Record<string, unknown>;

interface BodySections {
  remove: Pair[];
  rename: Pair[];
  replace: Pair[];
  add: Pair[];
  append: Pair[];
}

/** Applies the body actions; remove/rename/replace only act on a non-empty body (Kong). Null when nothing changed. */
function transformParams(params: Params, hadBody: boolean, s: BodySections, render: Render): boolean {
  let changed = false;
  if (hadBody) {
    for (const { name } of s.remove) {
      delete params[name];
      changed = true;
    }
    for (const { name, value } of s.rename) {
      const newName = render(value);
      if (name === newName || !present(params[name])) continue;
      params[newName] = params[name];
      delete params[name];
      changed = true;
    }
    for (const { name, value } of s.replace) {
      if (present(params[name])) {
        params[name] = render(value);
        changed = true;
      }
    }
  }
  for (const { name, value } of s.add) {
    if (!present(params[name])) {
      params[name] = render(value);
      changed = true;
    }
  }
  for (const { name, value } of s.append) {
    params[name] = appendValue(params[name], render(value));
    changed = true;
  }
  return changed;
}

/** Undefined when the body is unchanged or is not a JSON object (Kong leaves such bodies alone). */
export function transformJsonBody(body: string, s: BodySections, render: Render): string | undefined {
  let params: Params = {};
  if (body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    params = parsed as Params;
  }
  return transformParams(params, body.length > 0, s, render) ? JSON.stringify(params) : undefined;
}

/** ngx.decode_args: `a=1&a=2&flag` → { a: ['1','2'], flag: true }. */
export function decodeForm(body: string): Record<string, string | true | (string | true)[]> {
  const out: Record<string, string | true | (string | true)[]> = {};
  if (!body) return out;
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value: string | true = eq < 0 ? true : decodeComponent(part.slice(eq + 1));
    if (key === '') continue;
    const cur = out[key];
    if (cur === undefined) out[key] = value;
    else out[key] = Array.isArray(cur) ? [...cur, value] : [cur, value];
  }
  return out;
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** ngx.encode_args: percent-encoding, `true` as a bare key, arrays as repeated keys. */
export function encodeForm(params: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === true) parts.push(enc(k));
      else if (item === false || item === undefined || item === null) continue;
      else parts.push(`${enc(k)}=${enc(String(item))}`);
    }
  }
  return parts.join('&');
}

export function transformFormBody(body: string, s: BodySections, render: Render): string | undefined {
  const params: Params = decodeForm(body);
  return transformParams(params, body.length > 0, s, render) ? encodeForm(params) : undefined;
}

export type BodyKind = 'json' | 'form' | 'multipart';

/** By substring, as Kong matches the Content-Type. */
export function bodyKind(contentType: string | undefined): BodyKind | undefined {
  if (!contentType) return undefined;
  const ct = contentType.toLowerCase();
  if (ct.includes('application/json')) return 'json';
  if (ct.includes('multipart/form-data')) return 'multipart';
  if (ct.includes('application/x-www-form-urlencoded')) return 'form';
  return undefined;
}
