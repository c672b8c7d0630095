/**
 * Forwarding to upstreams with undici: one keep-alive Agent per (scheme, connect timeout, TLS
 * settings), shared by every request with the same needs; per-request read timeouts.
 * Bodies stream both ways unless a plugin buffered them.
 */
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import type { OutgoingHeaders } from './pipeline/request-state.js';

export interface UpstreamTlsOptions {
  verify: boolean;
  /** Most intermediates allowed between the leaf and a trust anchor (service.tls_verify_depth). */
  verifyDepth: number | null;
  /** PEMs of ca_certificates; null = the system store. */
  ca: string[] | null;
  clientCert: { cert: string; key: string } | null;
}

export interface KeepaliveSettings {
  poolSize: number;
  maxRequests: number;
  idleTimeoutMs: number;
}

export interface ForwardRequest {
  scheme: 'http' | 'https';
  /** IP or name to connect to. */
  address: string;
  port: number;
  /** TLS server name (the Host sent upstream, without port) for https upstreams. */
  servername: string | undefined;
  method: string;
  /** Request-target: escaped path plus `?query`. */
  target: string;
  headers: OutgoingHeaders;
  body: Buffer | IncomingMessage | null;
  connectTimeout: number;
  readTimeout: number;
  tls: UpstreamTlsOptions | null;
}

export interface UpstreamAnswer {
  status: number;
  headers: OutgoingHeaders;
  body: Dispatcher.ResponseData['body'];
}

/** Where a forwarding failure happened, which decides status, retry and the passive health outcome. */
export type ForwardFailure =
  | { kind: 'connect'; timeout: boolean; code: string }
  | { kind: 'timeout'; code: string }
  | { kind: 'broken'; code: string }
  | { kind: 'dns'; code: string };

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

export function classifyFailure(err: unknown): ForwardFailure {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.code && e.code !== 'UND_ERR_SOCKET' ? e.code : (e?.cause?.code ?? e?.code ?? 'UNKNOWN');
  if (DNS_CODES.has(code)) return { kind: 'dns', code };
  if (CONNECT_CODES.has(code)) return { kind: 'connect', timeout: code === 'UND_ERR_CONNECT_TIMEOUT', code };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return { kind: 'timeout', code };
  return { kind: 'broken', code };
}

/** Checks the chain length against tls_verify_depth once OpenSSL has verified it. */
function depthChecker(depth: number | null) {
  return (host: string, cert: PeerCertificate) => {
    const identity = checkServerIdentity(host, cert);
    if (identity || depth === null) return identity;
    let intermediates = -1;
    let c: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = cert;
    const seen = new Set<string>();
    while (c && !seen.has(c.fingerprint256)) {
      seen.add(c.fingerprint256);
      intermediates++;
      c = c.issuerCertificate as typeof c;
    }
    // The last certificate of the walk is the trust anchor itself.
    if (intermediates - 1 > depth) return new Error(`certificate chain too long: tls_verify_depth is ${depth}`);
    return undefined;
  };
}

function originOf(scheme: string, address: string, port: number): string {
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return `${scheme}://${host}:${port}`;
}

export class UpstreamAgents {
  private readonly agents = new Map<string | number, Agent>();

  constructor(private readonly keepalive: KeepaliveSettings) {}

  private readonly tlsKeys = new WeakMap<UpstreamTlsOptions, string>();

  private agentKey(req: ForwardRequest): string | number {
    const tls = req.scheme === 'https' ? req.tls : null;
    if (!tls) return req.connectTimeout;
    // The options object is made once per service and snapshot, so its key is too.
    let tlsKey = this.tlsKeys.get(tls);
    if (tlsKey === undefined) {
      tlsKey = `${tls.verify}|${tls.verifyDepth}|${tls.ca?.join('') ?? ''}|${tls.clientCert?.cert ?? ''}`;
      this.tlsKeys.set(tls, tlsKey);
    }
    return `${req.connectTimeout}|${tlsKey}`;
  }

  private agentFor(req: ForwardRequest): Agent {
    const tls = req.scheme === 'https' ? req.tls : null;
    const key = this.agentKey(req);
    let agent = this.agents.get(key);
    if (!agent) {
      const connect: Record<string, unknown> = { timeout: req.connectTimeout };
      if (tls) {
        connect.rejectUnauthorized = tls.verify;
        if (tls.ca) connect.ca = tls.ca;
        if (tls.clientCert) {
          connect.cert = tls.clientCert.cert;
          connect.key = tls.clientCert.key;
        }
        if (tls.verify) connect.checkServerIdentity = depthChecker(tls.verifyDepth);
      }
      agent = new Agent({
        connect,
        keepAliveTimeout: Math.max(1, this.keepalive.idleTimeoutMs),
        keepAliveMaxTimeout: Math.max(1, this.keepalive.idleTimeoutMs),
        maxRequestsPerClient: this.keepalive.maxRequests > 0 ? this.keepalive.maxRequests : undefined,
        // upstream_keepalive_pool_size = 0 disables keep-alive, as in Kong.
        pipelining: this.keepalive.poolSize === 0 ? 0 : 1,
        connections: null,
        allowH2: false,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  private options(req: ForwardRequest): Dispatcher.RequestOptions {
    const options: Dispatcher.RequestOptions = {
      origin: originOf(req.scheme, req.address, req.port),
      path: req.target,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      // Divergence: undici has no write timeout; service.write_timeout is not enforced.
      headersTimeout: req.readTimeout,
      bodyTimeout: req.readTimeout,
      reset: this.keepalive.poolSize === 0,
    };
    if (req.scheme === 'https' && req.servername) (options as { servername?: string }).servername = req.servername;
    return options;
  }

  /** Sends one request; rejects with the raw error (classify it with classifyFailure). */
  async send(req: ForwardRequest): Promise<UpstreamAnswer> {
    const res = await this.agentFor(req).request(this.options(req));
    return { status: res.statusCode, headers: res.headers as OutgoingHeaders, body: res.body };
  }

  /**
   * Sends one request and writes the answer's body straight into the Writable `sink` returns
   * (undici's stream(): no intermediate Readable, no stream pipeline). Resolves once the sink
   * finished; rejects with the raw error, before `sink` ran (nothing received: retryable) or
   * after (the body broke off: undici destroyed the sink).
   */
  stream(req: ForwardRequest, sink: (status: number, headers: OutgoingHeaders) => Writable): Promise<unknown> {
    return this.agentFor(req).stream(this.options(req), (data) => sink(data.statusCode, data.headers as OutgoingHeaders));
  }

  async close(): Promise<void> {
    const all = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(all.map((a) => a.destroy().catch(() => undefined)));
  }
}
