/**
 * Origin matching as Kong's cors handler does it: entries made only of `[A-Za-z0-9.:/-]` are
 * exact origins compared after normalisation (scheme://host[:port], default ports dropped);
 * anything else is a PCRE regex, anchored at both ends, matched against the request's host
 * (or its whole normalised origin when the entry contains `:`).
 */

export interface NormalizedOrigin {
  domain: string;
  host: string;
}

export type OriginRule = { kind: 'exact'; domain: string } | { kind: 'regex'; regex: RegExp; byHost: boolean };

const PLAIN = /^[A-Za-z0-9.:/-]+$/;

/**
 * PCRE as JavaScript understands it: `(?P<name>` becomes `(?<name>` and a leading inline
 * `(?i)` becomes the `i` flag. Undefined when it does not compile.
 */
export function compilePcre(source: string, anchored = false): RegExp | undefined {
  let flags = '';
  let body = source.replace(/\(\?P</g, '(?<');
  const inline = /^\(\?([imsx]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    flags = [...new Set(inline[1].replace(/x/g, ''))].join('');
  }
  try {
    return new RegExp(anchored ? `^(?:${body})` : body, flags);
  } catch {
    return undefined;
  }
}

export function normalizeOrigin(origin: string): NormalizedOrigin {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d*))?/.exec(origin);
  if (!m || m[2] === '') return { domain: origin, host: origin };
  const scheme = m[1];
  let port: string | undefined = m[3] || undefined;
  if ((scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) port = undefined;
  return { domain: `${scheme}://${m[2]}${port ? `:${port}` : ''}`, host: m[2] };
}

export function compileOriginRules(origins: readonly string[]): OriginRule[] {
  return origins.map((entry) => {
    if (PLAIN.test(entry)) return { kind: 'exact', domain: normalizeOrigin(entry).domain };
    // Kong 0.x did not anchor regexes; Kong now anchors them, accepting a user's own ^ and $.
    let source = entry.endsWith('$') ? entry : `${entry}$`;
    if (source.startsWith('^')) source = source.slice(1);
    const regex = compilePcre(source, true) ?? /(?!)/;
    return { kind: 'regex', regex, byHost: !entry.includes(':') };
  });
}

/** True when the single configured origin can be sent as is, without looking at the request. */
export function isLiteralOrigin(entry: string): boolean {
  return PLAIN.test(entry);
}

export function matchOrigin(rules: readonly OriginRule[], origin: NormalizedOrigin): boolean {
  for (const rule of rules) {
    if (rule.kind === 'exact') {
      if (rule.domain === origin.domain) return true;
    } else if (rule.regex.test(rule.byHost ? origin.host : origin.domain)) return true;
  }
  return false;
}
