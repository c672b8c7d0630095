import type { Query, QueryValue } from '../types.js';

function decode(text: string): string {
  const plus = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** ngx.req.get_uri_args: `a` → true, `a=` → '', repeated names → arrays, `+` is a space. */
export function parseQuery(raw: string | null): Query {
  const out: Query = {};
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    if (!name) continue;
    const value: string | boolean = eq === -1 ? true : decode(part.slice(eq + 1));
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out;
}

function encode(text: string): string {
  return encodeURIComponent(text);
}

/** ngx.encode_args as Kong's set_query uses it: names sorted, `true` → bare name, arrays repeated. */
export function encodeQuery(args: Query): string {
  const parts: string[] = [];
  for (const name of Object.keys(args).sort()) {
    const values: QueryValue[] = Array.isArray(args[name]) ? (args[name] as QueryValue[]) : [args[name]];
    for (const v of values as (string | boolean)[]) {
      if (v === false) continue;
      parts.push(v === true ? encode(name) : `${encode(name)}=${encode(String(v))}`);
    }
  }
  return parts.join('&');
}
