import type { Pdk, PluginHandler } from '../types.js';
import { VERSION } from '../../version.js';
import type { AclConfig } from './schema.js';
import { isBlocked, ruleOf } from './decide.js';
import { authenticatedGroups, consumerGroups } from './consumer-groups.js';

const FORBIDDEN = 'You cannot consume this service';

function refuseUnidentified(kong: Pdk): never {
  // A credential without a consumer is known but not allowed; nothing at all is a 401.
  if (kong.client.getCredential()) kong.response.error(403, FORBIDDEN);
  kong.response.error(401);
}

function access(kong: Pdk, conf: AclConfig): void {
  const rule = ruleOf(conf);
  const consumer = kong.client.getConsumer();
  const credential = kong.client.getCredential();
  const consumerId: string | undefined = consumer?.id ?? (credential?.consumer as { id?: string } | undefined)?.id;

  let groups: readonly string[];
  let header = 'X-Consumer-Groups';
  const granted = !consumerId || !credential || conf.always_use_authenticated_groups ? authenticatedGroups(kong) : undefined;
  if (granted) {
    groups = granted;
    header = 'X-Authenticated-Groups';
  } else if (!consumerId) {
    return refuseUnidentified(kong);
  } else {
    groups = consumerGroups(kong, consumerId);
    // A consumer in no group passes a deny list but is refused by an allow list.
    if (groups.length === 0 && rule.type === 'allow') return refuseUnidentified(kong);
  }

  if (isBlocked(rule, groups)) kong.response.error(403, FORBIDDEN);
  if (!conf.hide_groups_header) kong.service.request.setHeader(header, groups.join(', '));
}

export const aclHandler: PluginHandler<AclConfig> = {
  name: 'acl',
  priority: 950,
  version: VERSION,
  phases: { access },
};
