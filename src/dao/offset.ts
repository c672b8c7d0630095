/**
 * Opaque page offsets: base64 of the JSON list of the last row's sort key. Decoding errors
 * carry Kong's wording (`'x' is not a valid offset: bad base64 encoding`).
 */
import { kongErrors } from './kong-errors.js';

export function encodeOffset(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64');
}

export function decodeOffset(offset: string, arity: number): string[] {
  if (offset === '' || offset.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(offset)) {
    throw kongErrors.invalidOffset(offset, 'bad base64 encoding');
  }
  const token = Buffer.from(offset, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch {
    throw kongErrors.invalidOffset(token, 'bad json encoding');
  }
  if (!Array.isArray(parsed) || parsed.length !== arity || !parsed.every((v) => typeof v === 'string' && !v.includes('\u0000'))) {
    throw kongErrors.invalidOffset(token, 'bad json encoding');
  }
  return parsed as string[];
}
