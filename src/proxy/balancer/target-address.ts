import { isIP } from 'node:net';
import { ErrorCode, GatewayError } from '../../errors.js';

export interface ParsedTarget {
  /** Host without brackets: a name, an IPv4 or an IPv6 address. */
  host: string;
  port: number;
  /** 0 for a name, else 4 or 6. */
  family: 0 | 4 | 6;
}

/** Kong's default target port (targets.lua) when "host" has none. */
export const DEFAULT_TARGET_PORT = 8000;

/** Parses "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 without brackets is taken as having no port. */
export function parseTarget(target: string): ParsedTarget {
  let host = target;
  let port = DEFAULT_TARGET_PORT;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracketed) {
    host = bracketed[1];
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(target) !== 6) {
    const colon = target.lastIndexOf(':');
    if (colon !== -1) {
      host = target.slice(0, colon);
      port = Number(target.slice(colon + 1));
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535 || host === '') {
    throw new GatewayError(ErrorCode.SCHEMA_VIOLATION, `Invalid target ('${target}'); not a valid hostname or ip address`, {
      fields: { target: `Invalid target ('${target}'); not a valid hostname or ip address` },
    });
  }
  const family = isIP(host);
  return { host, port, family: family === 4 || family === 6 ? family : 0 };
}

/** "ip:port", with brackets for IPv6: the key of one balancer peer, also used in PickContext.tried. */
export function peerKey(peer: { address: string; port: number }): string {
  return isIP(peer.address) === 6 ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

/** The "host:port" form Kong stores, for matching a user-supplied target reference. */
export function normalizeTargetRef(ref: string): string {
  const { host, port, family } = parseTarget(ref);
  return family === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
