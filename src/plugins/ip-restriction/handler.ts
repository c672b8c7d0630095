import type { Pdk, PluginHandler } from '../types.js';
import { VERSION } from '../../version.js';
import type { IpRestrictionConfig } from './schema.js';
import { IpMatcher, unmapIpv4 } from './ip-matcher.js';

type Conf = IpRestrictionConfig & { __deny?: IpMatcher; __allow?: IpMatcher };

const matchers = new WeakMap<readonly string[], IpMatcher>();

function matcherOf(list: readonly string[]): IpMatcher {
  let m = matchers.get(list);
  if (!m) matchers.set(list, (m = new IpMatcher(list)));
  return m;
}

function refuse(kong: Pdk, conf: Conf, ip: string): never {
  const message = conf.message ?? `IP address not allowed: ${ip}`;
  kong.log.warn(message);
  kong.response.error(conf.status ?? 403, message);
}

/** Deny is checked first, then allow; the client IP is the PDK's (after trusted_ips / real_ip_header). */
function access(kong: Pdk, conf: Conf): void {
  const ip = unmapIpv4(kong.client.getIp());
  if (!ip) return refuse(kong, conf, ip);
  if (conf.deny && conf.deny.length > 0 && (conf.__deny ?? matcherOf(conf.deny)).matches(ip)) return refuse(kong, conf, ip);
  if (conf.allow && conf.allow.length > 0 && !(conf.__allow ?? matcherOf(conf.allow)).matches(ip)) return refuse(kong, conf, ip);
}

export const ipRestrictionHandler: PluginHandler<Conf> = {
  name: 'ip-restriction',
  priority: 990,
  version: VERSION,
  phases: { access },
  configure: (conf) => ({
    ...conf,
    __deny: conf.deny?.length ? new IpMatcher(conf.deny) : undefined,
    __allow: conf.allow?.length ? new IpMatcher(conf.allow) : undefined,
  }),
};
