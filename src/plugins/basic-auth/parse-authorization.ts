/**
 * Reads `Basic <base64(user:password)>` as Kong does: the scheme is matched case-insensitively
 * anywhere after leading spaces, the username is everything before the first `:` and must not
 * be empty, the password may be empty. Returns undefined when the header does not fit.
 */
export function parseBasicAuthorization(header: string): { username: string; password: string } | undefined {
  const m = /^\s*[Bb]asic\s*(.+)/.exec(header);
  if (!m) return undefined;
  const encoded = m[1].trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
