/**
 * The `name:value` entries of the transformer plugins, split as Kong does
 * (`^([^:]+):*(.-)$`: the name runs to the first colon, further colons are skipped).
 */
export function splitPair(entry: string): { name: string; value: string } {
  const m = /^([^:]+):*([\s\S]*)$/.exec(entry);
  if (!m) return { name: entry, value: '' };
  return { name: m[1], value: m[2] };
}

/** RFC 7230 token characters, Kong's validate_header_name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** Kong's `validate_headers`: the name (and for renames the new name) must be a header name. */
export function validateHeaderPair(entry: string, checkValue: boolean): string | undefined {
  const { name, value } = splitPair(entry);
  if (!isHeaderName(name)) return `'${name}' is not a valid header`;
  if (checkValue && !isHeaderName(value)) return `'${value}' is not a valid header`;
  return undefined;
}
