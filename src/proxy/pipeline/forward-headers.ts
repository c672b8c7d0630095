import type { OutgoingHeaders, ProxyRequest } from './request-state.js';

/** Headers that describe one connection, never forwarded (RFC 9110 7.6.1, plus nginx's proxy ones). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'expect', 'http2-settings']);
const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function connectionTokens(value: string | string[] | undefined): Set<string> | null {
  if (!value) return null;
  // The usual values name no header to drop.
  if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') return null;
  const text = Array.isArray(value) ? value.join(',') : value;
  const out = new Set<string>();
  for (const t of text.split(',')) {
    const token = t.trim().toLowerCase();
    if (token && token !== 'close' && token !== 'keep-alive') out.add(token);
  }
  return out.size ? out : null;
}

/**
 * The client's headers minus hop-by-hop ones (and those its Connection header names), as a new
 * object plugins may change; repeated lines stay separate.
 */
export function upstreamHeadersFrom(r: ProxyRequest): OutgoingHeaders {
  const incoming = r.headers();
  const connection = incoming.connection;
  const named = connection === undefined ? null : connectionTokens(connection);
  const out: OutgoingHeaders = {};
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || (named !== null && named.has(name))) continue;
    const v = incoming[name];
    out[name] = typeof v === 'string' ? v : [...v];
  }
  return out;
}

/** A copy of the upstream's response headers without the hop-by-hop ones. */
export function responseHeadersFrom(upstream: OutgoingHeaders): OutgoingHeaders {
  const connection = upstream.connection;
  const named = connection === undefined ? null : connectionTokens(connection);
  const out: OutgoingHeaders = {};
  for (const name in upstream) {
    if (RESPONSE_HOP_BY_HOP.has(name) || (named !== null && named.has(name))) continue;
    out[name] = upstream[name];
  }
  return out;
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return (end === -1 ? host : host.slice(0, end + 1)).toLowerCase();
  }
  const colon = host.indexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

/** `1.1 kong/3.x`: this hop in Via (RFC 9110 7.6.3), made once per HTTP version. */
export function viaToken(r: ProxyRequest): string {
  const v = r.req.httpVersion;
  if (v === '1.1') return r.settings.via11;
  return `${v === '2.0' ? '2' : v} ${r.settings.serverToken}`;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * X-Real-IP, X-Forwarded-* and Via toward the upstream (spec §3.6). An untrusted client's
 * X-Forwarded-Proto/Host/Port/Path/Prefix are overwritten; a trusted one's are kept. XFF is
 * always appended to, trusted or not, as nginx's $proxy_add_x_forwarded_for does.
 */
export function addForwardingHeaders(r: ProxyRequest, h: OutgoingHeaders): void {
  const incoming = r.headers();
  const trusted = r.isTrusted;
  h['x-real-ip'] = r.clientIp;
  const xff = incoming['x-forwarded-for'];
  const xffText = Array.isArray(xff) ? xff.join(', ') : xff;
  h['x-forwarded-for'] = xffText ? `${xffText}, ${r.peerIp}` : r.peerIp;
  const keep = (name: string) => (trusted ? first(incoming[name]) : undefined);
  h['x-forwarded-proto'] = keep('x-forwarded-proto') ?? r.scheme;
  h['x-forwarded-host'] = keep('x-forwarded-host') ?? hostWithoutPort(r.host);
  h['x-forwarded-port'] = keep('x-forwarded-port') ?? String(r.listenerPort);
  h['x-forwarded-path'] = keep('x-forwarded-path') ?? r.rawPath;
  const prefix = keep('x-forwarded-prefix') ?? (r.match?.prefix && r.match.prefix !== '/' ? r.match.prefix : undefined);
  if (prefix !== undefined) h['x-forwarded-prefix'] = prefix;
  else delete h['x-forwarded-prefix'];
  if (r.settings.add.via) {
    const via = incoming.via;
    const ours = viaToken(r);
    h.via = via ? `${Array.isArray(via) ? via.join(', ') : via}, ${ours}` : ours;
  }
  if (r.settings.upstreamRequestId) h['x-kong-request-id'] = r.id;
}

/** Host sent upstream (spec §3.5): preserved, the upstream's host_header, or the target plus a non-default port. */
export function upstreamHostHeader(r: ProxyRequest, name: string, port: number): string {
  if (r.upstream.hostOverride) return r.upstream.hostOverride;
  if (r.match?.upstreamHost) return r.match.upstreamHost;
  const defaultPort = r.upstream.scheme === 'https' ? 443 : 80;
  const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  return port === defaultPort ? host : `${host}:${port}`;
}
