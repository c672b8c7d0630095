/**
 * Request path normalisation before routing, with the behaviour of Kong's `kong/tools/uri.lua`
 * `normalize(uri, true)`: percent-decode all but reserved characters, remove dot segments,
 * merge repeated slashes.
 */

// RFC 3986 reserved characters plus '%': decoding them would change the path's meaning, so
// Kong leaves them encoded (and upper-cases the hex digits).
const RESERVED = new Set([...`!*'();:@&=+$,/?%#[]`].map((c) => c.charCodeAt(0)));

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/** Decodes `%XX` triplets except reserved characters; null when the result is not valid UTF-8. */
export function percentDecodeUnreserved(path: string): string | null {
  if (!path.includes('%')) return path;
  const input = Buffer.from(path, 'utf8');
  const out = Buffer.allocUnsafe(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (byte === 0x25 && i + 2 < input.length) {
      const hi = hexValue(input[i + 1]);
      const lo = hexValue(input[i + 2]);
      if (hi >= 0 && lo >= 0) {
        const value = hi * 16 + lo;
        if (RESERVED.has(value)) {
          out[n++] = 0x25;
          out[n++] = input[i + 1] >= 0x61 ? input[i + 1] - 0x20 : input[i + 1];
          out[n++] = input[i + 2] >= 0x61 ? input[i + 2] - 0x20 : input[i + 2];
        } else {
          out[n++] = value;
        }
        i += 2;
        continue;
      }
    }
    out[n++] = byte;
  }
  try {
    // Invalid UTF-8 after decoding means "no route" in traditional_compatible (spec §3.1.4).
    return utf8.decode(out.subarray(0, n));
  } catch {
    return null;
  }
}

/**
 * RFC 3986 §5.2.4 dot-segment removal as Kong runs it, with slash merging. A segment like
 * `route.` or `route..` is not a dot segment; `/..` above the root stays at the root.
 */
export function removeDotSegments(path: string): string {
  if (path === '' || path === '/') return path;
  if (!path.includes('.') && !path.includes('//')) return path;

  const output: string[] = [];
  let rest = path;
  while (rest.length > 0) {
    if (rest === '/.') {
      rest = '/';
    } else if (rest === '/..') {
      rest = '/';
      output.pop();
    } else if (rest === '.' || rest === '..') {
      rest = '';
    } else if (rest.startsWith('../')) {
      rest = rest.slice(3);
    } else if (rest.startsWith('./')) {
      rest = rest.slice(2);
    } else if (rest.startsWith('/./')) {
      rest = rest.slice(2);
    } else if (rest.startsWith('/../')) {
      rest = rest.slice(3);
      output.pop();
    } else if (rest.startsWith('//')) {
      rest = rest.slice(1);
    } else {
      // Move one segment, with its leading slash, to the output.
      const next = rest.indexOf('/', 1);
      if (next === -1) {
        output.push(rest);
        rest = '';
      } else {
        output.push(rest.slice(0, next));
        rest = rest.slice(next);
      }
    }
  }
  return output.join('');
}

/** The path the router matches on; null when it cannot match any route (invalid UTF-8). */
export function normalizeRequestPath(rawPath: string): string | null {
  const decoded = percentDecodeUnreserved(rawPath);
  if (decoded === null) return null;
  return removeDotSegments(decoded);
}
