/**
 * Route regexes. traditional_compatible hands them to the Rust `regex` crate: a path `~re`
 * becomes `^re` (anchored at the start only, as the old PCRE router anchored it) with
 * `(?<name>` spelled `(?P<name>`. Here they become JavaScript RegExps with the same meaning.
 */

// Rust allows inline flags such as `(?i)`; JavaScript (Node 20) does not, so a flag group at the
// very start of the pattern is lifted into RegExp flags. Elsewhere it stays and fails to compile.
const LEADING_FLAGS = /^\(\?([ims]+)\)/;

function toJsRegExp(pattern: string, anchor: boolean, extraFlags = ''): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  let flags = extraFlags;
  const leading = LEADING_FLAGS.exec(source);
  if (leading) {
    source = source.slice(leading[0].length);
    for (const f of leading[1]) if (!flags.includes(f)) flags += f;
  }
  if (anchor) source = `^${source}`;
  try {
    // Rust regexes work on Unicode scalar values, which is what the `u` flag gives.
    return new RegExp(source, `${flags}u`);
  } catch {
    // The `u` flag rejects escapes PCRE and Rust tolerate (e.g. `\-` outside a class).
    return new RegExp(source, flags);
  }
}

export function isRegexPath(path: string): boolean {
  return path.charCodeAt(0) === 0x7e; // '~'
}

/** Compiles a `~...` route path; throws a SyntaxError when the pattern is not valid. */
export function compilePathRegex(path: string): RegExp {
  return toJsRegExp(path.slice(1), true);
}

/**
 * Compiles a `~*...` header value. traditional_compatible lower-cases the pattern text itself and
 * compares it with the lower-cased header value, unanchored.
 */
export function compileHeaderRegex(value: string): RegExp {
  return toJsRegExp(value.slice(2).toLowerCase(), false);
}

export function isHeaderRegex(value: string): boolean {
  return value.startsWith('~*');
}

/** Kong's uri_captures: "0" the whole match, positional groups that took part, named groups. */
export function capturesOf(match: RegExpExecArray): Record<string, string> | undefined {
  const captures: Record<string, string> = { 0: match[0] };
  let count = 1;
  for (let i = 1; i < match.length; i++) {
    const value = match[i];
    if (value !== undefined) {
      captures[i] = value;
      count++;
    }
  }
  if (match.groups) {
    for (const [name, value] of Object.entries(match.groups)) {
      if (value !== undefined) {
        captures[name] = value;
        count++;
      }
    }
  }
  // Kong exposes captures only when there is more than the whole match.
  return count > 1 ? captures : undefined;
}
