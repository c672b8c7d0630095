import { BlockList, isIP } from 'node:net';

/**
 * Matches addresses against IPs and CIDR ranges, IPv4 and IPv6. An IPv4-mapped IPv6 peer
 * (`::ffff:10.0.0.1`, what a dual-stack socket reports) is matched as the IPv4 address it is.
 */
export class IpMatcher {
  private readonly list = new BlockList();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address, bits] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(bits), family);
    }
  }

  matches(ip: string): boolean {
    const plain = unmapIpv4(ip);
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}

export function unmapIpv4(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1] : ip;
}
