import type { Pdk, Row } from '../types.js';

/**
 * Kong's auth plugins all announce the outcome upstream the same way (constants.HEADERS):
 * the consumer's id/username/custom_id, the credential identifier, and `X-Anonymous-Consumer`
 * when the anonymous fallback was used. Headers the client sent under these names are
 * cleared so a client cannot impersonate a consumer.
 */
export function setAuthenticatedConsumer(kong: Pdk, consumer: Row | null, credential: Row | null, credentialIdentifier: string | undefined): void {
  kong.client.authenticate(consumer, credential);
  const upstream = kong.service.request;
  const put = (name: string, value: unknown) => {
    if (value === undefined || value === null) upstream.clearHeader(name);
    else upstream.setHeader(name, String(value));
  };
  put('X-Consumer-ID', consumer?.id);
  put('X-Consumer-Custom-ID', consumer?.custom_id);
  put('X-Consumer-Username', consumer?.username);
  put('X-Credential-Identifier', credential ? credentialIdentifier : undefined);
  if (credential) upstream.clearHeader('X-Anonymous-Consumer');
  else upstream.setHeader('X-Anonymous-Consumer', 'true');
}

/**
 * The anonymous fallback (`config.anonymous`, a consumer id or username). Kong answers 500
 * naming the consumer when it is configured but missing.
 */
export function authenticateAnonymous(kong: Pdk, anonymous: string): void {
  const consumer = kong.snapshot.getConsumer(anonymous);
  if (!consumer) {
    const message = `anonymous consumer ${anonymous} is configured but doesn't exist`;
    kong.log.err(message);
    kong.response.error(500, message);
  }
  setAuthenticatedConsumer(kong, consumer, null, undefined);
}
