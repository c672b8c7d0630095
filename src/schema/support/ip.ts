/**
 * Host and IP parsing with Kong's rules (kong/tools/ip.lua): what counts as a hostname, an
 * IPv4 or IPv6 address, an optional `:port`, and how a `host:port` target is written back.
 */
import { isIP } from 'node:net';

export type HostType = 'ipv4' | 'ipv6' | 'name';

export interface ParsedHost {
  type: HostType;
  host: string;
  port?: number;
}

export type ParseResult = { ok: true; value: ParsedHost } | { ok: false; error: string };

/** Two or more colons make an IPv6 address, digits and dots an IPv4 one, anything else a name. */
export function hostnameType(name: string): HostType {
  const colons = name.split(':').length - 1;
  if (colons > 1) return 'ipv6';
  if (/^[\d.]+$/.test(name.replace(/:/g, ''))) return 'ipv4';
  return 'name';
}

function parsePort(text: string): number | 'invalid' {
  const port = Number(text);
  return port > 65535 ? 'invalid' : port;
}

function normalizeIpv4(address: string): ParseResult {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$/.exec(address);
  if (!m) return { ok: false, error: `invalid ipv4 address: ${address}` };
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return { ok: false, error: `invalid ipv4 address: ${address}` };
  let port: number | undefined;
  if (m[5] !== undefined) {
    const p = parsePort(m[5]);
    if (p === 'invalid') return { ok: false, error: 'invalid port number' };
    port = p;
  }
  return { ok: true, value: { type: 'ipv4', host: octets.join('.'), port } };
}

/** Expands an IPv6 address to eight 4-digit lower-case groups, as Kong stores targets. */
function normalizeIpv6(address: string): ParseResult {
  let check = address;
  let port: number | undefined;
  const bracketed = /^\[([^\]]*)\](.*)$/.exec(address);
  if (bracketed) {
    check = bracketed[1];
    const rest = bracketed[2];
    if (rest !== '') {
      const pm = /^:(\d*)$/.exec(rest);
      if (!pm) return { ok: false, error: 'invalid ipv6 address' };
      const p = parsePort(pm[1]);
      if (p === 'invalid') return { ok: false, error: 'invalid port number' };
      port = p;
    }
  }
  if (check.startsWith(':')) check = '0' + check;
  if (check.endsWith(':')) check = check + '0';
  if (check.includes('::')) {
    const count = check.split(':').length - 1;
    check = check.replace('::', ':' + '0:'.repeat(Math.max(0, 8 - count)));
  }
  const groups = check.split(':');
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) {
    return { ok: false, error: `invalid ipv6 address: ${address}` };
  }
  return { ok: true, value: { type: 'ipv6', host: groups.map((g) => g.padStart(4, '0')).join(':').toLowerCase(), port } };
}

function checkHostname(address: string): ParseResult {
  let name = address;
  let port: number | undefined;
  const pm = /:(\d+)$/.exec(address);
  if (pm) {
    name = name.slice(0, -(pm[1].length + 1));
    const p = parsePort(pm[1]);
    if (p === 'invalid') return { ok: false, error: 'invalid port number' };
    port = p;
  }
  if (!/^[\dA-Za-z\-._]+$/.test(name)) return { ok: false, error: `invalid hostname: ${address}` };
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    // An empty label is only tolerated last: a fully qualified name with its trailing dot.
    if (labels[i].endsWith('-') || (labels[i] === '' && i !== labels.length - 1)) {
      return { ok: false, error: `invalid hostname: ${address}` };
    }
  }
  return { ok: true, value: { type: 'name', host: name, port } };
}

export function normalizeIp(address: string): ParseResult {
  switch (hostnameType(address)) {
    case 'ipv4':
      return normalizeIpv4(address);
    case 'ipv6':
      return normalizeIpv6(address);
    default:
      return checkHostname(address);
  }
}

/** `host:port`, with IPv6 hosts in brackets; `defaultPort` applies when the input had none. */
export function formatHost(parsed: ParsedHost, defaultPort?: number): string {
  const port = parsed.port ?? defaultPort;
  const host = parsed.type === 'ipv6' ? `[${parsed.host}]` : parsed.host;
  return port === undefined ? host : `${host}:${port}`;
}

export function isValidIp(ip: string): boolean {
  return isIP(ip) !== 0;
}

export function isValidCidr(cidr: string): boolean {
  const slash = cidr.indexOf('/');
  if (slash < 0) return false;
  const ip = cidr.slice(0, slash);
  const prefix = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || String(Number(prefix)) !== prefix) return false;
  const version = isIP(ip);
  if (version === 4) return Number(prefix) <= 32;
  if (version === 6) return Number(prefix) <= 128;
  return false;
}

export function isValidIpOrCidr(value: string): boolean {
  return isValidIp(value) || isValidCidr(value);
}
