/**
 * kong.conf text → raw key/value pairs, with the rules of docs/configuration.md:
 * `#` starts a comment unless written `\#`; a value in matching quotes is unquoted (the seed
 * itself writes `pg_ssl_cert = '/path/to/client.crt'`); `-` in keys equals `_`; last duplicate wins.
 */
export interface RawEntry {
  readonly value: string;
  readonly line: number;
}

export function normaliseKey(key: string): string {
  return key.trim().replace(/-/g, '_').toLowerCase();
}

function stripComment(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === '#') {
      out += '#';
      i++;
      continue;
    }
    if (ch === '#') break;
    out += ch;
  }
  return out;
}

export function unquote(value: string): string {
  if (value.length >= 2) {
    const first = value[0];
    if ((first === '"' || first === "'") && value[value.length - 1] === first) return value.slice(1, -1);
  }
  return value;
}

export interface ParsedFile {
  readonly entries: Map<string, RawEntry>;
  /** Lines that are neither blank, comment nor `key = value`. */
  readonly malformed: { line: number; text: string }[];
}

export function parseConfFile(text: string): ParsedFile {
  const entries = new Map<string, RawEntry>();
  const malformed: { line: number; text: string }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const line = stripComment(rawLine).trim();
    if (line === '') return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      malformed.push({ line: index + 1, text: trimmed });
      return;
    }
    const key = normaliseKey(line.slice(0, eq));
    const value = unquote(line.slice(eq + 1).trim());
    entries.set(key, { value, line: index + 1 });
  });
  return { entries, malformed };
}
