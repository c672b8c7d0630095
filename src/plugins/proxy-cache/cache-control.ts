/**
 * Cache-Control as Kong's proxy-cache reads it (kong.tools.http parse_directive_header and
 * calculate_resource_ttl): each comma-separated directive becomes a lower-cased key whose
 * value is a number when it looks like one, else the raw text, or `true` without `=`.
 */
export type Directives = Record<string, number | string | true>;

export function parseDirectives(header: string | string[] | undefined): Directives {
  const out: Directives = {};
  if (header === undefined) return out;
  const text = Array.isArray(header) ? header.join(', ') : header;
  for (const part of text.split(',')) {
    const m = /^\s*([^=]+)(?:=(.+))?/.exec(part);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const raw = m[2];
    if (raw === undefined) out[key] = true;
    else {
      const n = Number(raw.trim());
      out[key] = raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
  }
  return out;
}

/** A directive's numeric value, or undefined when absent or not a number. */
export function numeric(d: Directives, key: string): number | undefined {
  const v = d[key];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Seconds a response may be cached: s-maxage, then max-age, then Expires (the last one when
 * repeated) minus now; never negative; 0 when nothing says.
 */
export function resourceTtl(cc: Directives, expires: string | string[] | undefined, nowMs: number): number {
  let maxAge: number | undefined = numeric(cc, 's-maxage') ?? numeric(cc, 'max-age');
  if (maxAge === undefined && expires !== undefined) {
    const last = Array.isArray(expires) ? expires[expires.length - 1] : expires;
    const at = Date.parse(last);
    if (!Number.isNaN(at)) maxAge = Math.floor(at / 1000) - Math.floor(nowMs / 1000);
  }
  return maxAge === undefined ? 0 : Math.max(maxAge, 0);
}
