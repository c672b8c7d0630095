/**
 * Files written for Kong 1.x/2.x (`_format_version` 1.1 or 2.1) are migrated on load as
 * Kong's declarative migrations do: since 3.0 a regex route path must start with `~`, so a
 * path that is not made only of plain path characters becomes a `~` regex (percent-decoded,
 * reserved characters kept encoded, regex metacharacters escaped); plain paths are normalized.
 */
import { normalizePath } from '../schema/index.js';
import { isPlainObject, type Document } from './document.js';

/** Reserved characters stay percent-encoded (uppercased) when a regex path is decoded. */
const RESERVED = new Set([0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2f, 0x3a, 0x3b, 0x3d, 0x3f, 0x40, 0x5b, 0x5d]);
const REGEX_META: Record<number, string> = {
  0x2e: '\\.', 0x5e: '\\^', 0x2d: '\\-', 0x7b: '\\{', 0x7d: '\\}', 0x5c: '\\\\', 0x7c: '\\|',
};

function decodeRegex(regex: string): string {
  if (!regex.includes('%')) return regex;
  return regex.replace(/%([0-9a-f]{2})/gi, (whole, hex: string) => {
    const code = parseInt(hex, 16);
    if (RESERVED.has(code)) return whole.toUpperCase();
    return REGEX_META[code] ?? String.fromCharCode(code);
  });
}

/** One path of a pre-3.0 file, as Kong 3.x reads it. */
export function migratePath(path: string): string {
  if (/^[a-zA-Z0-9.\-_~/%]*$/.test(path)) return normalizePath(path, true);
  return `~${decodeRegex(path)}`;
}

function migrateRoutes(routes: unknown): void {
  if (!Array.isArray(routes)) return;
  for (const route of routes) {
    if (!isPlainObject(route) || !Array.isArray(route.paths)) continue;
    route.paths = route.paths.map((p) => (typeof p === 'string' ? migratePath(p) : p));
  }
}

/** Migrates in place top-level routes and routes nested in top-level services, as Kong does. */
export function migrateDocument(doc: Document): void {
  const version = doc._format_version;
  if (version !== '1.1' && version !== '2.1') return;
  migrateRoutes(doc.routes);
  if (Array.isArray(doc.services)) for (const s of doc.services) if (isPlainObject(s)) migrateRoutes(s.routes);
  doc._format_version = '3.0';
}
