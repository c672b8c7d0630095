/**
 * `GET /config` and `POST /config` (kong/api/routes/config.lua). Only DB-less nodes have
 * them; a node with a database answers 400 as Kong does. POST replaces the whole
 * configuration: validated and compiled before the swap, 201 with the loaded entities.
 */
import type { IncomingMessage } from 'node:http';
import { ErrorCode, GatewayError } from '../errors.js';
import { declarativeProblems, flattenErrors } from '../declarative/errors.js';
import { rowsToYaml } from '../declarative/export.js';
import type { DeclarativeState } from '../declarative/dbless.js';
import type { Document } from '../declarative/document.js';
import { inputHash, type DeclarativeRows } from '../declarative/parse.js';
import { decodeArgs, parseMultipart } from './body.js';
import type { AdminRequest, AdminResponse, AdminRouter } from './router.js';

/** Large configurations are the point of `/config`; still bounded so a client cannot exhaust memory. */
export const MAX_CONFIG_BYTES = 256 * 1024 * 1024;

const ONLY_DBLESS = 'this endpoint is only available when Kong is configured to not use a database';

/** Kong's truthy() for flatten_errors. */
function truthy(v: unknown): boolean {
  if (typeof v === 'string') return ['true', '1', 'on', 'yes'].includes(v.toLowerCase());
  return v === true || v === 1;
}

async function readRaw(raw: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw) {
    size += (chunk as Buffer).length;
    if (size > MAX_CONFIG_BYTES) {
      throw new GatewayError(ErrorCode.BAD_REQUEST, 'Request Entity Too Large', { status: 413 });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

interface ConfigRequest {
  input: string | Document | null;
  params: Record<string, unknown>;
}

/** Every input form Kong accepts: a JSON document, `{config: "<text>"}`, form or multipart `config`, a raw YAML body. */
async function readConfigRequest(req: AdminRequest): Promise<ConfigRequest> {
  const raw = await readRaw(req.raw);
  const params: Record<string, unknown> = Object.fromEntries(req.query);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const text = raw.toString('utf8');
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GatewayError(ErrorCode.BAD_REQUEST, 'Cannot parse JSON body');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError(ErrorCode.BAD_REQUEST, 'Cannot parse JSON body');
    const obj = body as Record<string, unknown>;
    for (const k of ['check_hash', 'flatten_errors']) {
      if (obj[k] !== undefined) {
        params[k] ??= obj[k];
        delete obj[k];
      }
    }
    if (obj._format_version !== undefined) return { input: obj, params };
    const config = obj.config;
    return { input: typeof config === 'string' || (typeof config === 'object' && config !== null) ? (config as string | Document) : null, params };
  }
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    const args = type.startsWith('multipart') ? decodeArgs(parseMultipart(raw, String(req.headers['content-type']))) : decodeArgs(new URLSearchParams(text));
    for (const k of ['check_hash', 'flatten_errors']) if (args[k] !== undefined) params[k] ??= args[k];
    const config = args.config;
    return { input: typeof config === 'string' ? config : typeof config === 'object' && config !== null ? (config as Document) : null, params };
  }
  // application/yaml, text/yaml, or no type at all: Kong reads the raw body.
  return { input: text.length > 0 ? text : null, params };
}

/** Kong's 201 body: `{ <entity>: { <id>: entity } }`, foreign keys as `{id}`. */
function loadedEntities(rows: DeclarativeRows): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, list] of Object.entries(rows)) {
    if (list.length === 0) continue;
    const byId: Record<string, unknown> = {};
    for (const row of list) byId[String(row.id)] = row;
    out[name] = byId;
  }
  return out;
}

function invalidBody(err: GatewayError, flatten: boolean): AdminResponse {
  if (!flatten) return { status: 400, body: err.toBody() };
  const problems = declarativeProblems(err);
  // Kong flattens by draining the error tree, so `fields` comes back empty and the message shows `{}`.
  return {
    status: 400,
    body: {
      code: ErrorCode.DECLARATIVE_CONFIG,
      name: 'invalid declarative configuration',
      message: 'declarative config is invalid: {}',
      fields: problems.top.length > 0 ? Object.fromEntries(problems.top.map((t) => [t.key, t.message])) : {},
      flattened_errors: flattenErrors(problems.items),
    },
  };
}

export function registerConfigRoutes(router: AdminRouter, state: DeclarativeState | null): void {
  router.on('GET', '/config', () => {
    if (!state) return { status: 400, body: { message: ONLY_DBLESS } };
    return { status: 200, body: { config: rowsToYaml(state.rows()) } };
  });

  router.on('POST', '/config', async (req) => {
    if (!state) {
      req.raw.resume();
      return { status: 400, body: { message: ONLY_DBLESS } };
    }
    const { input, params } = await readConfigRequest(req);
    const flatten = truthy(params.flatten_errors);
    const checkHash = String(params.check_hash) === '1';
    if (input === null) return { status: 400, body: { message: 'expected a declarative configuration' } };
    if (state.busy()) {
      return { status: 429, body: { message: 'Currently loading previous configuration' }, headers: { 'Retry-After': '1' } };
    }
    let parsed;
    try {
      if (checkHash && inputHash(input) === state.hash()) return { status: 304 };
      parsed = await state.load(input);
    } catch (err) {
      if (err instanceof GatewayError && err.code === ErrorCode.DECLARATIVE_CONFIG) return invalidBody(err, flatten);
      throw err;
    }
    return { status: 201, body: loadedEntities(parsed.rows) };
  });
}
