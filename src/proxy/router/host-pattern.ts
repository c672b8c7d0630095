/**
 * Host and SNI patterns: exact, `*.suffix` (ends with `.suffix`) or `prefix.*` (starts with
 * `prefix.`), optionally with a port that must equal the request's.
 *
 * Divergence: Kong compares hosts and SNIs byte-for-byte; we compare them case-insensitively
 * (host names are case-insensitive, RFC 3986 §3.2.2), so `Example.COM` reaches the route for
 * `example.com`.
 */
import { splitHostPort } from './host-port.js';

export type PatternKind = 'exact' | 'suffix' | 'prefix';

export interface HostPattern {
  /** The configured entry, as written. */
  entry: string;
  kind: PatternKind;
  /** Lower-cased; for suffix the text after '*' (with its dot), for prefix the text before '*'. */
  value: string;
  port: number | null;
}

function classify(entry: string, name: string, port: number | null): HostPattern {
  const lower = name.toLowerCase();
  if (lower.startsWith('*')) return { entry, kind: 'suffix', value: lower.slice(1), port };
  if (lower.endsWith('*')) return { entry, kind: 'prefix', value: lower.slice(0, -1), port };
  return { entry, kind: 'exact', value: lower, port };
}

export function compileHostPattern(entry: string): HostPattern {
  const { host, port } = splitHostPort(entry);
  return classify(entry, host, port);
}

/** SNIs carry no port; a trailing dot of a fully-qualified name is not used for routing. */
export function compileSniPattern(entry: string): HostPattern {
  let name = entry;
  if (!name.endsWith('*') && name.length > 1 && name.endsWith('.')) name = name.slice(0, -1);
  return classify(entry, name, null);
}

/** `name` must already be lower-cased. */
export function patternMatches(pattern: HostPattern, name: string, port: number | null): boolean {
  if (pattern.port !== null && pattern.port !== port) return false;
  switch (pattern.kind) {
    case 'exact':
      return name === pattern.value;
    case 'suffix':
      return name.endsWith(pattern.value);
    case 'prefix':
      return name.startsWith(pattern.value);
  }
}
