/**
 * Delivers a batch of serialized log records to the log server (Kong's http-log
 * send_entries): one JSON object when batches hold one entry, else a JSON array; a status
 * of 300 or more is a failure the queue retries.
 */
import { Agent, request } from 'undici';
import type { HttpLogConfig } from './schema.js';

export interface ParsedEndpoint {
  url: string;
  host: string;
  port: number;
  authorization?: string;
}

const parsed = new Map<string, ParsedEndpoint>();

export function parseEndpoint(endpoint: string): ParsedEndpoint {
  let p = parsed.get(endpoint);
  if (p) return p;
  const u = new URL(endpoint);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  // Kong sends the URL's user info as Basic credentials, as written (not percent-decoded).
  const userinfo = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#@]*)@/.exec(endpoint)?.[1];
  u.username = '';
  u.password = '';
  p = {
    url: u.toString(),
    host: u.hostname,
    port,
    authorization: userinfo ? `Basic ${Buffer.from(userinfo).toString('base64')}` : undefined,
  };
  parsed.set(endpoint, p);
  return p;
}

export function payloadOf(conf: Pick<HttpLogConfig, 'queue'>, entries: readonly string[]): string {
  if (conf.queue.max_batch_size === 1 && entries.length === 1) return entries[0];
  return `[${entries.join(',')}]`;
}

export class LogSender {
  private readonly agents = new Map<number, Agent>();

  private agent(keepaliveMs: number): Agent {
    let a = this.agents.get(keepaliveMs);
    if (!a) {
      // Log servers are often self-signed; Kong sends with ssl_verify = false.
      a = new Agent({ keepAliveTimeout: Math.max(1, keepaliveMs), connect: { rejectUnauthorized: false } });
      this.agents.set(keepaliveMs, a);
    }
    return a;
  }

  async send(conf: HttpLogConfig, entries: readonly string[]): Promise<void> {
    const endpoint = parseEndpoint(conf.http_endpoint);
    const body = payloadOf(conf, entries);
    const headers: Record<string, string> = {
      'content-type': conf.content_type,
      'content-length': String(Buffer.byteLength(body)),
    };
    if (endpoint.authorization) headers.authorization = endpoint.authorization;
    for (const [name, value] of Object.entries(conf.headers ?? {})) {
      if (headers[name.toLowerCase()] === undefined) headers[name.toLowerCase()] = value;
    }
    let res;
    try {
      res = await request(endpoint.url, {
        method: conf.method,
        headers,
        body,
        dispatcher: this.agent(conf.keepalive),
        headersTimeout: conf.timeout,
        bodyTimeout: conf.timeout,
        signal: AbortSignal.timeout(Math.max(1, conf.timeout)),
      });
    } catch (err) {
      throw new Error(`failed request to ${endpoint.host}:${endpoint.port}: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode >= 300) {
      throw new Error(`request to ${endpoint.host}:${endpoint.port} returned status code ${res.statusCode} and body ${text}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.destroy().catch(() => undefined)));
    this.agents.clear();
  }
}
