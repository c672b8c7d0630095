/**
 * Text to a plain document: YAML (a superset of JSON) or JSON. A document that is not an
 * object, or text that does not parse, is Kong's `failed parsing declarative configuration`.
 */
import jsYaml from 'js-yaml';
import { errorMessage } from '../errors.js';
import { declarativeError } from './errors.js';

export type Document = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFailure(why: string): never {
  throw declarativeError({ error: `failed parsing declarative configuration: ${why}` });
}

/** `<message> (line L, column C)` from the parser's mark, so a broken file points at its place. */
function yamlFailure(err: unknown): string {
  const reason = (err as { reason?: unknown }).reason;
  const message = typeof reason === 'string' ? reason : errorMessage(err).split('\n')[0];
  const mark = (err as { mark?: { line?: unknown; column?: unknown } }).mark;
  if (!mark || typeof mark.line !== 'number' || typeof mark.column !== 'number') return message;
  return `${message} (line ${mark.line + 1}, column ${mark.column + 1})`;
}

/*
 * YAML 1.2 core types (no timestamps turned into dates, so `2024-01-01` stays a string as a
 * tag or name) plus `<<` merge keys, which hand-written kong.yml files use with anchors.
 */
// js-yaml exports its built-in types at runtime; @types/js-yaml does not declare them.
const builtinTypes = (jsYaml as unknown as { types: Record<string, jsYaml.Type> }).types;
const SCHEMA = jsYaml.CORE_SCHEMA.extend({ implicit: [builtinTypes.merge] });

/*
 * yaml@2 builds a full document model first and cost ~2–4 s on a 10,000-route file; js-yaml
 * reads the same file in ~0.2–0.3 s. Text that looks like JSON still goes to JSON.parse.
 */
/** Parses a declarative configuration text; throws GatewayError code 14 when it is not one. */
export function parseDocumentText(text: string): Document {
  // A byte-order mark would send a JSON file to the YAML parser (JSON.parse refuses it).
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart()[0];
  let value: unknown;
  let parsed = false;
  if (first === '{') {
    try {
      value = JSON.parse(body);
      parsed = true;
    } catch {
      // Not strict JSON (a flow-style YAML mapping, trailing comma, comments): YAML decides.
    }
  }
  if (!parsed) {
    try {
      value = jsYaml.load(body, { schema: SCHEMA });
    } catch (err) {
      parseFailure(yamlFailure(err));
    }
  }
  if (!isPlainObject(value)) parseFailure('expected an object');
  return value;
}
