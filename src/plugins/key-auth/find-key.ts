import type { Pdk } from '../types.js';
import type { KeyAuthConfig } from './schema.js';

export type KeySearch = { key: string; name: string; source: 'header' | 'query' | 'body' } | { duplicate: true } | { missing: true };

function pick(value: unknown): string | 'duplicate' | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return 'duplicate';
  return undefined;
}

/**
 * Kong's search order: for each key name in turn, the header, then the query string, then
 * (when enabled) the body. A name given twice (two headers, `?apikey=a&apikey=b`) is refused
 * as a duplicate rather than guessed.
 */
export async function findKey(kong: Pdk, conf: KeyAuthConfig): Promise<KeySearch> {
  const headers = conf.key_in_header ? kong.request.getHeaders() : undefined;
  const query = conf.key_in_query ? kong.request.getQuery() : undefined;
  let body: Record<string, unknown> | undefined;
  for (const name of conf.key_names) {
    let found: string | 'duplicate' | undefined;
    let source: 'header' | 'query' | 'body' = 'header';
    if (headers) {
      const lower = name.toLowerCase();
      found = pick(headers[lower] ?? headers[lower.replace(/_/g, '-')]);
    }
    if (found === undefined && query) {
      found = pick(query[name]);
      source = 'query';
    }
    if (found === undefined && conf.key_in_body) {
      body ??= await readBody(kong);
      found = pick(body[name]);
      source = 'body';
    }
    if (found === 'duplicate') return { duplicate: true };
    if (found !== undefined) return { key: found, name, source };
  }
  return { missing: true };
}

async function readBody(kong: Pdk): Promise<Record<string, unknown>> {
  try {
    const body = await kong.request.getBody();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  } catch (err) {
    kong.log.info('Cannot process request body: ', err);
    return {};
  }
}

/** hide_credentials: the key leaves the upstream request wherever it may have been sent. */
export async function removeKey(kong: Pdk, conf: KeyAuthConfig, name: string): Promise<void> {
  kong.service.request.clearHeader(name);
  const query = kong.request.getQuery();
  if (name in query) {
    const rest = { ...query };
    delete rest[name];
    kong.service.request.setQuery(rest);
  }
  if (conf.key_in_body) {
    const body = await readBody(kong);
    if (name in body) {
      const rest = { ...body };
      delete rest[name];
      kong.service.request.setBody(rest);
    }
  }
}
