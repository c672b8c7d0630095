import type { Pdk } from '../types.js';
import type { RateLimitingConfig } from './schema.js';

/** Kong's get_identifier: what the counters are kept per, falling back to the client IP. */
export function identifierOf(kong: Pdk, conf: Pick<RateLimitingConfig, 'limit_by' | 'header_name' | 'path'>): string {
  let id: string | undefined;
  switch (conf.limit_by) {
    case 'service':
      id = kong.router.getService()?.id;
      break;
    case 'consumer':
      id = (kong.client.getConsumer() ?? kong.client.getCredential())?.id;
      break;
    case 'credential':
      id = kong.client.getCredential()?.id;
      break;
    case 'header':
      id = conf.header_name ? kong.request.getHeader(conf.header_name) : undefined;
      break;
    case 'path': {
      const path = kong.request.getPath();
      if (path === conf.path) id = path;
      break;
    }
    case 'ip':
      break;
  }
  return id || kong.client.getForwardedIp();
}
