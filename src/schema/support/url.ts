/**
 * URL splitting with LuaSocket's `socket.url.parse` rules, which Kong uses for the services
 * `url` shorthand: no validation, no decoding, and a missing part is simply absent.
 */
export interface ParsedUrl {
  scheme?: string;
  host?: string;
  port?: string;
  path?: string;
  query?: string;
}

export function parseUrl(input: string): ParsedUrl {
  const parsed: ParsedUrl = {};
  let url = input;
  const hash = url.indexOf('#');
  if (hash >= 0) url = url.slice(0, hash);
  const scheme = /^([A-Za-z0-9][A-Za-z0-9+\-.]*):/.exec(url);
  if (scheme) {
    parsed.scheme = scheme[1];
    url = url.slice(scheme[0].length);
  }
  const authority = /^\/\/([^/]*)/.exec(url);
  if (authority) {
    url = url.slice(authority[0].length);
  }
  const q = url.indexOf('?');
  if (q >= 0) {
    parsed.query = url.slice(q + 1);
    url = url.slice(0, q);
  }
  const semi = url.indexOf(';');
  if (semi >= 0) url = url.slice(0, semi);
  if (url !== '') parsed.path = url;

  if (authority) {
    let auth = authority[1];
    const at = auth.lastIndexOf('@');
    if (at >= 0) auth = auth.slice(at + 1);
    const port = /:([^:\]]*)$/.exec(auth);
    if (port) {
      if (port[1] !== '') parsed.port = port[1];
      auth = auth.slice(0, port.index);
    }
    const v6 = /^\[(.+)\]$/.exec(auth);
    if (v6) auth = v6[1];
    if (auth !== '') parsed.host = auth;
  }
  return parsed;
}
