/**
 * Escaping of the upstream request path, as Kong's `kong/tools/uri.lua` `escape` does before
 * proxying: bytes outside unreserved, reserved and '%' are percent-encoded. Existing `%XX`
 * triplets pass through untouched (no double encoding).
 */

const ALLOWED = new Uint8Array(128);
for (const c of `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!#$&'()*+,/:;=?@[]%`) {
  ALLOWED[c.charCodeAt(0)] = 1;
}

function needsEscape(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code >= 128 || ALLOWED[code] === 0) return true;
  }
  return false;
}

export function escapeUpstreamPath(path: string): string {
  if (!needsEscape(path)) return path;
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    out += byte < 128 && ALLOWED[byte] === 1 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
