/**
 * Path normalisation as Kong's router applies it (kong/tools/uri.lua `normalize`): a route's
 * prefix path must already be in this form, else Kong suggests the normalised one.
 */

/** Characters that stay percent-encoded (upper-cased) when normalising. */
const RESERVED = new Set("!*'();:@&=+$,/?%#[]".split('').map((c) => c.charCodeAt(0)));

function decodeUnreserved(uri: string): string {
  return uri.replace(/%([0-9A-Fa-f]{2})/g, (whole, hex: string) => {
    const code = parseInt(hex, 16);
    return RESERVED.has(code) ? whole.toUpperCase() : String.fromCharCode(code);
  });
}

/** Percent-decodes unreserved bytes, removes dot segments and, if asked, merges `//`. */
export function normalizePath(input: string, mergeSlashes: boolean): string {
  if (input === '' || input === '/') return input;
  let uri = input.includes('%') ? decodeUnreserved(input) : input;
  if (!uri.includes('.') && (!mergeSlashes || !uri.includes('//'))) return uri;

  const out: string[] = [];
  while (uri.length > 0) {
    if (uri === '/.') {
      uri = '/';
    } else if (uri === '/..') {
      uri = '/';
      out.pop();
    } else if (uri === '.' || uri === '..') {
      uri = '';
    } else if (uri.startsWith('../')) {
      uri = uri.slice(3);
    } else if (uri.startsWith('./')) {
      uri = uri.slice(2);
    } else if (uri.startsWith('/./')) {
      uri = uri.slice(2);
    } else if (uri.startsWith('/../')) {
      uri = uri.slice(3);
      out.pop();
    } else if (mergeSlashes && uri.startsWith('//')) {
      uri = uri.slice(1);
    } else {
      // Move one segment (its leading slash included) to the output.
      const next = uri.indexOf('/', 1);
      const segment = next < 0 ? uri : uri.slice(0, next);
      out.push(segment);
      uri = next < 0 ? '' : uri.slice(next);
    }
  }
  return out.join('');
}
