import type { Pdk, PluginHandler } from '../types.js';
import { VERSION } from '../../version.js';
import type { KeyAuthConfig } from './schema.js';
import { findKey, removeKey } from './find-key.js';
import { authenticateAnonymous, setAuthenticatedConsumer } from './consumer-headers.js';

// Kong 3.7+ answers "Unauthorized" for a wrong key (it used to say "Invalid authentication credentials").
const ERR_NO_KEY = 'No API key found in request';
const ERR_DUPLICATE = 'Duplicate API key found';
const ERR_INVALID = 'Unauthorized';

type Failure = { status: number; message: string };

function isExpired(credential: Record<string, unknown>): boolean {
  // A ttl'd credential carries its expiry; Kong stops accepting it once ttl reaches 0.
  const ttl = credential.ttl;
  if (typeof ttl === 'number') return ttl <= 0;
  if (typeof ttl === 'string') return Date.parse(ttl) <= Date.now();
  return false;
}

async function authenticate(kong: Pdk, conf: KeyAuthConfig): Promise<Failure | undefined> {
  const found = await findKey(kong, conf);
  if ('duplicate' in found) return { status: 401, message: ERR_DUPLICATE };
  if ('missing' in found || found.key === '') return { status: 401, message: ERR_NO_KEY };
  if (conf.hide_credentials) await removeKey(kong, conf, found.name);

  const credential = kong.snapshot.findCredential('keyauth_credentials', 'key', found.key);
  if (!credential || isExpired(credential)) return { status: 401, message: ERR_INVALID };
  const consumerId = (credential.consumer as { id?: string } | null)?.id;
  const consumer = consumerId ? kong.snapshot.get('consumers', consumerId) : undefined;
  if (!consumer) {
    kong.log.err(`key-auth: credential ${String(credential.id)} points at a missing consumer`);
    return { status: 500, message: 'An unexpected error occurred' };
  }
  setAuthenticatedConsumer(kong, consumer, credential, String(credential.id));
  return undefined;
}

async function access(kong: Pdk, conf: KeyAuthConfig): Promise<void> {
  if (!conf.run_on_preflight && kong.request.getMethod() === 'OPTIONS') return;
  // With `anonymous` set, several auth plugins form a logical OR: one success is enough.
  if (conf.anonymous && kong.client.getCredential()) return;
  const failure = await authenticate(kong, conf);
  if (!failure) return;
  if (conf.anonymous) return authenticateAnonymous(kong, conf.anonymous);
  const challenge = conf.realm ? `Key realm="${conf.realm}"` : 'Key';
  kong.response.error(failure.status, failure.message, failure.status === 401 ? { 'WWW-Authenticate': challenge } : undefined);
}

export const keyAuthHandler: PluginHandler<KeyAuthConfig> = {
  name: 'key-auth',
  priority: 1250,
  version: VERSION,
  phases: { access },
};
