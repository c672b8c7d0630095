/**
 * Text to a plain document: YAML (a superset of JSON) or JSON. A document that is not an
 * object, or text that does not parse, is Kong's `failed parsing declarative configuration`.
 */
import { parse as parseYaml } from 'yaml';
import { errorMessage } from '../errors.js';
import { declarativeError } from './errors.js';

export type Document = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFailure(why: string): never {
  throw declarativeError({ error: `failed parsing declarative configuration: ${why}` });
}

/** `<message> (line L, column C)` from the parser's offset, so a broken file points at its place. */
function yamlFailure(err: unknown, text: string): string {
  const message = errorMessage(err).split('\n')[0];
  const pos = (err as { pos?: unknown }).pos;
  const offset = Array.isArray(pos) && typeof pos[0] === 'number' ? pos[0] : null;
  if (offset === null) return message;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/*
 * yaml@2 builds a full document model before handing out values and costs about 150 times
 * JSON.parse on a large file; every option we measured (parse vs parseDocument, core schema,
 * no pretty errors, no source tokens) left it within noise of the default. So text that looks
 * like JSON (exports, generated files) goes to JSON.parse, and only real YAML pays for the
 * YAML parser.
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
      value = parseYaml(body, { prettyErrors: false });
    } catch (err) {
      parseFailure(yamlFailure(err, body));
    }
  }
  if (!isPlainObject(value)) parseFailure('expected an object');
  return value;
}
