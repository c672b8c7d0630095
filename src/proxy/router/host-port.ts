/**
 * `host:port` splitting as traditional_compatible does it (Kong `transform.lua` split_host_port):
 * split at the first ':' and only when the rest is a port number. So a bracketed IPv6 literal
 * such as `[::1]:8000` is kept whole, with no port.
 */
export interface HostPort {
  host: string;
  port: number | null;
}

const DIGITS = /^\d{1,5}$/;

export function splitHostPort(value: string): HostPort {
  const colon = value.indexOf(':');
  if (colon === -1) return { host: value, port: null };
  const portText = value.slice(colon + 1);
  if (!DIGITS.test(portText)) return { host: value, port: null };
  return { host: value.slice(0, colon), port: Number(portText) };
}
