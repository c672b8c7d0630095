import type { Pdk, PluginHandler, Row } from '../types.js';
import { VERSION } from '../../version.js';
import { authenticateAnonymous, setAuthenticatedConsumer } from '../key-auth/consumer-headers.js';
import type { BasicAuthConfig } from './schema.js';
import { parseBasicAuthorization } from './parse-authorization.js';
import { verifyPassword } from './password-hash.js';
import { VerifiedPasswordCache } from './verified-cache.js';

const verified = new VerifiedPasswordCache();

function credentialsFrom(kong: Pdk, conf: BasicAuthConfig, headerName: string): { username: string; password: string } | undefined {
  const header = kong.request.getHeader(headerName);
  if (conf.hide_credentials) kong.service.request.clearHeader(headerName);
  return header === undefined ? undefined : parseBasicAuthorization(header);
}

function passwordMatches(credential: Row, password: string): boolean {
  const stored = typeof credential.password === 'string' ? credential.password : '';
  const consumerId = String((credential.consumer as { id?: string } | null)?.id ?? '');
  return verified.check(stored, password, () => verifyPassword(stored, password, consumerId));
}

/** Kong tries Proxy-Authorization first, then Authorization; every failure is a plain 401. */
function authenticate(kong: Pdk, conf: BasicAuthConfig): boolean {
  if (kong.request.getHeader('authorization') === undefined && kong.request.getHeader('proxy-authorization') === undefined) return false;
  let given = credentialsFrom(kong, conf, 'proxy-authorization');
  let credential = given ? kong.snapshot.findCredential('basicauth_credentials', 'username', given.username) : undefined;
  if (!credential) {
    given = credentialsFrom(kong, conf, 'authorization');
    if (!given) return false;
    credential = kong.snapshot.findCredential('basicauth_credentials', 'username', given.username);
  }
  if (!credential || !given || !passwordMatches(credential, given.password)) return false;
  const consumerId = (credential.consumer as { id?: string } | null)?.id;
  const consumer = consumerId ? kong.snapshot.get('consumers', consumerId) : undefined;
  if (!consumer) return false;
  setAuthenticatedConsumer(kong, consumer, credential, String(credential.username));
  return true;
}

function access(kong: Pdk, conf: BasicAuthConfig): void {
  if (conf.anonymous && kong.client.getCredential()) return;
  if (authenticate(kong, conf)) return;
  if (conf.anonymous) return authenticateAnonymous(kong, conf.anonymous);
  kong.response.error(401, 'Unauthorized', { 'WWW-Authenticate': `Basic realm="${conf.realm}"` });
}

export const basicAuthHandler: PluginHandler<BasicAuthConfig> = {
  name: 'basic-auth',
  priority: 1100,
  version: VERSION,
  phases: { access },
};
