/**
 * Media types as Kong's kong/tools/mime_type.lua reads them (RFC 2045): `type/subtype`
 * lower-cased, parameters with lower-cased names, quoted values unquoted. `*` alone means any.
 */
export interface MediaType {
  type: string;
  subtype: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Undefined when the text is not a media type (Kong's parser then yields nothing). */
export function parseMediaType(text: string): MediaType | undefined {
  const [head, ...rest] = splitParams(text);
  const main = head.trim();
  let type: string;
  let subtype: string;
  if (main === '*') {
    type = '*';
    subtype = '*';
  } else {
    const slash = main.indexOf('/');
    if (slash < 0) return undefined;
    type = main.slice(0, slash);
    subtype = main.slice(slash + 1);
    if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  }
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (!TOKEN.test(name)) return undefined;
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (!TOKEN.test(value)) return undefined;
    params[name.toLowerCase()] = value;
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), params };
}

/** Splits on `;` outside quoted strings. */
function splitParams(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * proxy-cache's content_type match: wildcards in the configured type, and parameters
 * equal on both sides (same names, same values, same count).
 */
export function mediaTypeMatches(expected: MediaType, actual: MediaType): boolean {
  if (expected.type !== '*' && expected.type !== actual.type) return false;
  if (expected.subtype !== '*' && expected.subtype !== actual.subtype) return false;
  const exp = Object.keys(expected.params);
  if (exp.length !== Object.keys(actual.params).length) return false;
  return exp.every((k) => actual.params[k] === expected.params[k]);
}

/**
 * Kong's mime_type.includes: `application/json` includes `application/json` and any
 * `application/<x>+json`; `*` includes everything.
 */
export function mediaTypeIncludes(outer: { type: string; subtype: string }, inner: { type: string; subtype: string }): boolean {
  if (outer.type === '*') return true;
  if (outer.type !== inner.type) return false;
  if (outer.subtype === inner.subtype || outer.subtype === '*') return true;
  return !outer.subtype.includes('+') && inner.subtype.endsWith(`+${outer.subtype}`);
}
