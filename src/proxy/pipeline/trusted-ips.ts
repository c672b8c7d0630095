import { BlockList, isIP } from 'node:net';

/** `trusted_ips`: addresses and CIDRs whose forwarding headers are believed (nginx set_real_ip_from). */
export interface TrustedIps {
  readonly any: boolean;
  has(ip: string): boolean;
}

function plainIp(ip: string): string {
  // Node reports IPv4 peers of dual-stack sockets as ::ffff:a.b.c.d.
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function compileTrustedIps(entries: readonly string[]): TrustedIps {
  const list = new BlockList();
  let any = false;
  let count = 0;
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry || entry.startsWith('unix:')) continue;
    if (entry === '0.0.0.0/0' || entry === '::/0') any = true;
    const [addr, bits] = entry.split('/');
    const family = isIP(addr);
    if (!family) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
    count++;
  }
  return {
    any,
    has(ip: string) {
      if (any) return true;
      if (count === 0 || !ip) return false;
      const addr = plainIp(ip);
      const family = isIP(addr);
      return family !== 0 && list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export { plainIp };
