import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ResolvedPlugin } from '../../snapshot/plugin-index.js';
import type { ConfigSnapshot } from '../../snapshot/types.js';
import type { RouteMatch } from '../router/types.js';
import type { Headers, Pdk, Row } from '../../plugins/types.js';
import type { ProxySettings } from './settings.js';
import { plainIp } from './trusted-ips.js';
import { newRequestId } from './request-id.js';

const READ_MARK = Symbol('silverback.bytesReadMark');
const WRITE_MARK = Symbol('silverback.bytesWrittenMark');
type MarkedSocket = Socket & { [READ_MARK]?: number; [WRITE_MARK]?: number };

/** One balancer attempt, for the log record's `tries`. */
export interface UpstreamTry {
  ip: string;
  port: number;
  /** ms since the epoch when the balancer picked this peer. */
  balancerStart: number;
  /** ms the pick took. */
  balancerLatency: number;
  /** The failure's code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...) when the attempt failed. */
  error?: string;
  /** The status this failure would have answered (502/504), as Kong records for failed tries. */
  failedStatus?: number;
}

export type OutgoingHeaders = Record<string, string | string[]>;

/** The request as it will be sent upstream; plugins change it through kong.service.request. */
export interface UpstreamRequest {
  method: string;
  scheme: 'http' | 'https';
  /** Escaped path, no query. */
  path: string;
  /** Raw query without `?`; null when the client sent no `?` at all. */
  query: string | null;
  headers: OutgoingHeaders;
  /** Set when a plugin replaced or read the body; otherwise the client's body is streamed. */
  body: Buffer | null;
  /** kong.service.setTarget: bypass the balancer. */
  target: { host: string; port: number } | null;
  /** kong.service.setUpstream: balance over this upstream. */
  upstreamName: string | null;
  /** A Host a plugin set explicitly; wins over preserve_host and the target's name. */
  hostOverride: string | null;
}

/** The response about to be sent; plugins change it in headerFilter/bodyFilter/response. */
export interface DownstreamResponse {
  status: number;
  headers: OutgoingHeaders;
  /** Whole body, when buffered (plugin exit, error, or a plugin asked for it). */
  body: Buffer | null;
  source: 'service' | 'exit' | 'error';
  /** The upstream's own status/headers (kong.service.response). */
  upstreamStatus?: number;
  upstreamHeaders?: OutgoingHeaders;
}

/** Thrown by kong.response.exit: unwinds the plugin, the runner turns it into the response. */
export class ExitSignal {
  constructor(
    readonly status: number,
    readonly body: Buffer | null,
    readonly headers: Headers | undefined,
    readonly contentType: string | null,
  ) {}
}

/** Everything one proxied request carries through the pipeline. */
export class ProxyRequest {
  readonly id: string;
  readonly startedAt = Date.now();
  readonly startedHr = performance.now();
  readonly scheme: 'http' | 'https';
  readonly peerIp: string;
  readonly peerPort: number;
  readonly clientIp: string;
  readonly sni: string | undefined;
  readonly rawPath: string;
  readonly rawQuery: string | null;
  match: RouteMatch | null = null;
  route: Row | null = null;
  service: Row | null = null;
  consumer: Row | null = null;
  credential: Row | null = null;
  upstream!: UpstreamRequest;
  response: DownstreamResponse | null = null;
  /** Plugins that will run headerFilter/bodyFilter/log (Kong's collected plugins). */
  collected: ResolvedPlugin[] | null = null;
  currentPlugin: ResolvedPlugin | null = null;
  /** The `kong` PDK object of this request, made when the first plugin runs. */
  kong: Pdk | null = null;
  /** The plugin that short-circuited, for logs. */
  exitedBy: string | null = null;
  private sharedCtx: Record<string, unknown> | null = null;
  private nginxCtxTable: Record<string, unknown> | null = null;
  private pluginCtx: Map<string, Record<string, unknown>> | null = null;
  /** kong.log.set_serialize_value calls, applied in order to every serialized record. */
  serializeValues: { key: string; value: unknown; mode: 'set' | 'add' | 'replace' }[] | null = null;
  /** Buffered client body (kong.request.getRawBody). */
  requestBody: Buffer | null = null;
  private requestBodyPromise: Promise<Buffer> | null = null;
  private headersCache: Headers | null = null;
  /** Headers plugins set on the response before it exists (access phase). */
  pendingResponseHeaders: OutgoingHeaders | null = null;
  proxyLatency: number | null = null;
  upstreamLatency: number | null = null;
  /** Milliseconds from start until Kong's own answer was ready (not proxied). */
  responseLatency: number | null = null;
  /** The upstream address tried last (for logs). */
  upstreamAddress: { ip: string; port: number } | null = null;
  tries: UpstreamTry[] = [];
  /** performance.now() when the upstream's status line and headers arrived. */
  upstreamAnsweredHr: number | null = null;
  /** performance.now() when the last response byte was handed to the socket. */
  finishedHr: number | null = null;
  /** Bytes received from / sent to the client for this request (nginx's request_length and bytes_sent). */
  bytesIn = 0;
  bytesOut = 0;
  /** The client connection, kept because Node detaches it from req/res once the response is done. */
  readonly socket: Socket;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse | null,
    readonly snapshot: ConfigSnapshot,
    readonly settings: ProxySettings,
    readonly listenerPort: number,
  ) {
    this.id = newRequestId();
    const socket = req.socket as TLSSocket;
    this.socket = socket;
    this.scheme = socket.encrypted ? 'https' : 'http';
    this.sni = this.scheme === 'https' && typeof socket.servername === 'string' ? socket.servername : undefined;
    this.peerIp = plainIp(socket.remoteAddress ?? '');
    this.peerPort = socket.remotePort ?? 0;
    this.clientIp = this.realIp();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.rawPath = q === -1 ? url : url.slice(0, q);
    this.rawQuery = q === -1 ? null : url.slice(q + 1);
  }

  /** nginx realip: a trusted peer may name the client in real_ip_header. */
  private realIp(): string {
    const header = this.settings.realIpHeader;
    if (!header || !this.settings.trusted.has(this.peerIp)) return this.peerIp;
    const raw = this.headers()[header];
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    if (!value) return this.peerIp;
    const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (parts.length === 0) return this.peerIp;
    if (!this.settings.realIpRecursive) return parts[parts.length - 1];
    for (let i = parts.length - 1; i >= 0; i--) if (!this.settings.trusted.has(parts[i])) return parts[i];
    return parts[0];
  }

  /** kong.ctx.shared: made when a plugin first asks. */
  get shared(): Record<string, unknown> {
    return (this.sharedCtx ??= {});
  }

  get nginxCtx(): Record<string, unknown> {
    return (this.nginxCtxTable ??= {});
  }

  /** The first Host header as sent (port included), '' without one. */
  get host(): string {
    const h = this.headers().host;
    return (typeof h === 'string' ? h : h?.[0]) ?? '';
  }

  get isTrusted(): boolean {
    return this.settings.trusted.has(this.peerIp);
  }

  /** Request headers with lower-cased names; repeated lines become arrays. */
  headers(): Headers {
    if (this.headersCache) return this.headersCache;
    const out: Headers = {};
    const raw = this.req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      const prev = out[name];
      if (prev === undefined) out[name] = raw[i + 1];
      else if (Array.isArray(prev)) prev.push(raw[i + 1]);
      else out[name] = [prev, raw[i + 1]];
    }
    this.headersCache = out;
    return out;
  }

  header(name: string): string | undefined {
    const h = this.headers();
    const lower = name.toLowerCase();
    const v = h[lower] ?? h[lower.replace(/_/g, '-')];
    return Array.isArray(v) ? v[0] : v;
  }

  /** Reads the whole client body once; later it is forwarded from the buffer. */
  readBody(): Promise<Buffer> {
    if (this.requestBody) return Promise.resolve(this.requestBody);
    this.requestBodyPromise ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.req.on('data', (c: Buffer) => chunks.push(c));
      this.req.on('end', () => {
        this.requestBody = Buffer.concat(chunks);
        if (this.upstream && this.upstream.body === null) this.upstream.body = this.requestBody;
        resolve(this.requestBody);
      });
      this.req.on('error', reject);
    });
    return this.requestBodyPromise;
  }

  pluginStore(): Record<string, unknown> {
    const key = this.currentPlugin?.entity.id ?? '';
    this.pluginCtx ??= new Map();
    let store = this.pluginCtx.get(key);
    if (!store) this.pluginCtx.set(key, (store = {}));
    return store;
  }

  /**
   * Called once the response is complete: fixes the request's duration and its byte counts.
   * The socket's counters are cumulative over a keep-alive connection, so each request takes
   * the difference from where the previous one on the same socket stopped.
   */
  finish(): void {
    if (this.finishedHr !== null) return;
    this.finishedHr = performance.now();
    const s = this.socket as MarkedSocket;
    if (!s) return;
    const read = s.bytesRead;
    const written = s.bytesWritten;
    this.bytesIn = read - (s[READ_MARK] ?? 0);
    this.bytesOut = written - (s[WRITE_MARK] ?? 0);
    s[READ_MARK] = read;
    s[WRITE_MARK] = written;
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedHr);
  }
}
