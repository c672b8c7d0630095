/**
 * Admin API request bodies as Kong reads them (kong/api/arguments.lua, api_helpers.lua):
 * JSON, form-urlencoded and multipart; form keys nest with dots and brackets, repeated keys
 * make arrays, and form values are coerced with the entity schema (`""` is null, numbers,
 * booleans, a single value for an array field becomes a one-element array).
 */
import { ErrorCode, GatewayError } from '../errors.js';
import type { Entity, FieldDef, RecordSchema } from '../schema/index.js';
import { lookupEntity } from '../schema/index.js';
import type { AdminRequest } from './router.js';

export type Args = Record<string, unknown>;

export interface RequestBody {
  kind: 'json' | 'form' | 'multipart' | 'empty';
  args: Args;
}

/** Larger bodies are refused rather than buffered without bound. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

function badRequest(message: string, status = 400): GatewayError {
  return new GatewayError(ErrorCode.BAD_REQUEST, message, { status });
}

function isObject(v: unknown): v is Args {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own-property assignment, so keys like `__proto__` are data, never a prototype change. */
function put(target: Args | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

async function readRaw(req: AdminRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw badRequest('Request Entity Too Large', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

type PathToken = { key: string } | { index: number } | { push: true };

/** `config.minute`, `paths[]`, `paths[2]`, `headers[x-a]` → tokens; odd names stay one literal key. */
function parseKeyPath(name: string): PathToken[] {
  if (name === '' || name.startsWith('.') || name.endsWith('.')) return [{ key: name }];
  const tokens: PathToken[] = [];
  for (const segment of name.split('.').filter((s) => s !== '')) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(segment);
    if (!m) {
      tokens.push({ key: segment });
      continue;
    }
    tokens.push({ key: m[1] });
    for (const [, inner] of m[2].matchAll(/\[([^[\]]*)\]/g)) {
      if (inner === '') tokens.push({ push: true });
      else if (/^\d+$/.test(inner) && Number(inner) >= 1 && Number(inner) <= 10_000) tokens.push({ index: Number(inner) - 1 });
      else tokens.push({ key: inner });
    }
  }
  return tokens.length > 0 ? tokens : [{ key: name }];
}

function childFor(next: PathToken): Args | unknown[] {
  return 'key' in next ? {} : [];
}

function assignPath(root: Args, tokens: PathToken[], value: unknown): void {
  let container: Args | unknown[] = root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const last = i === tokens.length - 1;
    if ('push' in token) {
      if (!Array.isArray(container)) return;
      if (last) {
        container.push(value);
        return;
      }
      const child = childFor(tokens[i + 1]);
      container.push(child);
      container = child;
      continue;
    }
    const key: string | number = 'key' in token ? token.key : token.index;
    if ('index' in token && !Array.isArray(container)) return;
    if ('key' in token && Array.isArray(container)) return;
    const existing: unknown = (container as Record<string | number, unknown>)[key];
    const own = Object.prototype.hasOwnProperty.call(container, key);
    if (last) {
      if (!own || existing === undefined) put(container, key, value);
      else if (Array.isArray(existing)) existing.push(value);
      else put(container, key, [existing, value]);
      return;
    }
    const wantArray = !('key' in tokens[i + 1]);
    if (own && (wantArray ? Array.isArray(existing) : isObject(existing))) {
      container = existing as Args | unknown[];
    } else if (own && wantArray && existing !== undefined && !isObject(existing)) {
      // `a=x&a[]=y`: the earlier scalar joins the array.
      const arr: unknown[] = [existing];
      put(container, key, arr);
      container = arr;
    } else {
      const child = childFor(tokens[i + 1]);
      put(container, key, child);
      container = child;
    }
  }
}

function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (isObject(value)) {
    for (const k of Object.keys(value)) put(value, k, compact(value[k]));
  }
  return value;
}

/** Kong's decode + combine: `[name, value]` pairs into nested arguments (no schema coercion). */
export function decodeArgs(pairs: Iterable<[string, unknown]>): Args {
  const root: Args = {};
  for (const [name, value] of pairs) assignPath(root, parseKeyPath(name), value);
  return compact(root) as Args;
}

function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|'([^']+)'|([^;]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2] ?? m?.[3]?.trim();
  return b ? b : undefined;
}

/** Multipart parts as `[name, value]`; a part typed application/json is parsed as JSON. */
export function parseMultipart(body: Buffer, contentType: string): [string, unknown][] {
  const boundary = boundaryOf(contentType);
  if (!boundary) return [];
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const out: [string, unknown][] = [];
  const sections = text.split(delimiter).slice(1);
  for (const section of sections) {
    if (section.startsWith('--')) break;
    const part = section.replace(/^\r?\n/, '');
    const headerEnd = part.search(/\r?\n\r?\n/);
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    let data = part.slice(headerEnd).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    const name = /content-disposition:[^\r\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    const type = /content-type:\s*([^\r\n;]*)/i.exec(headers)?.[1]?.trim().toLowerCase();
    data = Buffer.from(data, 'latin1').toString('utf8');
    let value: unknown = data;
    if (type?.startsWith('application/json')) {
      try {
        value = JSON.parse(data);
      } catch {
        value = data;
      }
    }
    out.push([Buffer.from(name, 'latin1').toString('utf8'), value]);
  }
  return out;
}

/**
 * Reads and parses the body of a POST/PUT/PATCH. Kong's rules: no Content-Type is only fine
 * for an empty body (else 415); an unsupported type is 415; broken JSON is 400.
 */
export async function readRequestBody(req: AdminRequest): Promise<RequestBody> {
  if (req.body !== undefined) return req.body as RequestBody;
  const raw = await readRaw(req);
  const types = req.raw.rawHeaders.filter((_, i) => i % 2 === 0 && req.raw.rawHeaders[i].toLowerCase() === 'content-type');
  if (types.length > 1) throw badRequest('Bad request');
  const contentType = req.headers['content-type'];
  let parsed: RequestBody;
  if (contentType === undefined) {
    if (raw.length > 0) throw badRequest('Unsupported Media Type', 415);
    parsed = { kind: 'empty', args: {} };
  } else if (contentType.startsWith('application/json')) {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw badRequest('Cannot parse JSON body');
    }
    // Lua cannot tell `[]` from `{}`; anything else that is not an object is unreadable.
    if (Array.isArray(json) && json.length === 0) json = {};
    if (!isObject(json)) throw badRequest('Cannot parse JSON body');
    parsed = { kind: 'json', args: json };
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    parsed = { kind: 'form', args: decodeArgs(new URLSearchParams(raw.toString('utf8'))) };
  } else if (contentType.startsWith('multipart/form-data')) {
    parsed = { kind: 'multipart', args: decodeArgs(parseMultipart(raw, contentType)) };
  } else {
    throw badRequest('Unsupported Media Type', 415);
  }
  req.body = parsed;
  return parsed;
}

/** Lua's tonumber on a form value: decimal or hex, surrounding spaces allowed. */
function luaToNumber(s: string): number | undefined {
  const t = s.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function fieldsOf(schema: RecordSchema, args: Args, hint?: Args): [string, FieldDef][] {
  const key = schema.subschemaKey;
  const selector = key ? (args[key] ?? hint?.[key]) : undefined;
  let sub: ReturnType<NonNullable<RecordSchema['resolveSubschema']>>;
  if (key && schema.resolveSubschema) {
    if (typeof selector === 'string') sub = schema.resolveSubschema(selector);
    else if (Array.isArray(selector)) {
      for (const s of selector) if (typeof s === 'string' && (sub = schema.resolveSubschema(s))) break;
    }
  }
  return Object.entries(schema.fields).map(([name, f]) => [name, sub?.fields?.[name] ?? f]);
}

function inferValue(value: unknown, field: FieldDef | undefined): unknown {
  if (value === undefined || !field) return value;
  if (value === '') return null;
  switch (field.type) {
    case 'integer':
    case 'number':
      return typeof value === 'string' ? (luaToNumber(value) ?? value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array':
    case 'set': {
      const list = Array.isArray(value) ? value : [value];
      return list.map((item) => inferValue(item, field.elements));
    }
    case 'foreign': {
      const parent = field.reference ? lookupEntity(field.reference) : undefined;
      return isObject(value) && parent ? inferArgs(parent, value) : value;
    }
    case 'map':
      if (isObject(value)) for (const k of Object.keys(value)) put(value, k, inferValue(value[k], field.values));
      return value;
    case 'record':
      return isObject(value) && !field.abstract && field.fields ? inferArgs({ fields: field.fields }, value) : value;
    default:
      return value;
  }
}

/** Entities with Kong's `ttl` option take it as a number of seconds beside their fields. */
const TTL_FIELD: FieldDef = { type: 'number' };

/** Kong's infer: coerces form values in place by the schema; `hint` supplies a stored subschema key. */
export function inferArgs(schema: RecordSchema | Entity, args: Args, hint?: Args): Args {
  for (const [name, field] of fieldsOf(schema, args, hint)) {
    if (Object.prototype.hasOwnProperty.call(args, name) && args[name] !== undefined) put(args, name, inferValue(args[name], field));
  }
  if (schema.ttl && !schema.fields.ttl && Object.prototype.hasOwnProperty.call(args, 'ttl')) put(args, 'ttl', inferValue(args.ttl, TTL_FIELD));
  return args;
}

/** The entity arguments of a body: JSON as sent, form and multipart coerced by the schema. */
export function entityArgs(entity: Entity, body: RequestBody, hint?: Args): Args {
  return body.kind === 'form' || body.kind === 'multipart' ? inferArgs(entity, body.args, hint) : body.args;
}
