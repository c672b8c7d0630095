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

/** Parses a declarative configuration text; throws GatewayError code 14 when it is not one. */
export function parseDocumentText(text: string): Document {
  let value: unknown;
  const trimmed = text.trimStart();
  try {
    // JSON first when it looks like JSON: much faster than the YAML parser for large files.
    value = trimmed.startsWith('{') ? JSON.parse(text) : parseYaml(text, { prettyErrors: false });
  } catch (err) {
    if (trimmed.startsWith('{')) {
      try {
        value = parseYaml(text, { prettyErrors: false });
      } catch (yamlErr) {
        parseFailure(errorMessage(yamlErr).split('\n')[0]);
      }
    } else {
      parseFailure(errorMessage(err).split('\n')[0]);
    }
  }
  if (!isPlainObject(value)) parseFailure('expected an object');
  return value;
}
