import type { Config } from '../../config/index.js';
import { KONG_COMPAT_VERSION } from '../../version.js';
import { compileTrustedIps, type TrustedIps } from './trusted-ips.js';
import type { ErrorFormat } from './error-body.js';

/** Everything the request path needs from the node configuration, computed once at start. */
export interface ProxySettings {
  readonly serverToken: string;
  /** Via token for HTTP/1.1 clients, `1.1 kong/<version>`. */
  readonly via11: string;
  /** Which of Kong's response headers to add (`headers` setting). */
  readonly add: {
    readonly via: boolean;
    readonly server: boolean;
    readonly proxyLatency: boolean;
    readonly upstreamLatency: boolean;
    readonly responseLatency: boolean;
    readonly upstreamStatus: boolean;
    readonly requestId: boolean;
  };
  /** `headers_upstream` includes X-Kong-Request-Id. */
  readonly upstreamRequestId: boolean;
  readonly trusted: TrustedIps;
  /** Lower-cased `real_ip_header`, or null for `proxy_protocol` (not supported on the listener). */
  readonly realIpHeader: string | null;
  readonly realIpRecursive: boolean;
  readonly errorDefaultType: ErrorFormat;
  readonly keepalive: { poolSize: number; maxRequests: number; idleTimeoutMs: number };
  readonly clientCertificate: { cert: string; key: string } | null;
}

export function proxySettings(config: Config, clientCertificate: { cert: string; key: string } | null = null): ProxySettings {
  const headers = new Set((config.headers as readonly string[]).map((h) => h.trim().toLowerCase()));
  const off = headers.has('off');
  const has = (name: string) => !off && headers.has(name);
  const serverTokens = has('server_tokens');
  const latency = has('latency_tokens');
  const upstream = new Set((config.headers_upstream as readonly string[]).map((h) => h.trim().toLowerCase()));
  const realIp = String(config.real_ip_header ?? 'X-Real-IP').toLowerCase();
  return {
    serverToken: `kong/${KONG_COMPAT_VERSION}`,
    via11: `1.1 kong/${KONG_COMPAT_VERSION}`,
    add: {
      via: serverTokens || has('via'),
      server: serverTokens || has('server'),
      proxyLatency: latency || has('x-kong-proxy-latency'),
      upstreamLatency: latency || has('x-kong-upstream-latency'),
      responseLatency: latency || has('x-kong-response-latency'),
      upstreamStatus: has('x-kong-upstream-status'),
      requestId: has('x-kong-request-id'),
    },
    upstreamRequestId: !upstream.has('off') && upstream.has('x-kong-request-id'),
    trusted: compileTrustedIps(config.trusted_ips as readonly string[]),
    realIpHeader: realIp === 'proxy_protocol' ? null : realIp,
    realIpRecursive: Boolean(config.real_ip_recursive),
    errorDefaultType: config.error_default_type as ErrorFormat,
    keepalive: {
      poolSize: Number(config.upstream_keepalive_pool_size),
      maxRequests: Number(config.upstream_keepalive_max_requests),
      idleTimeoutMs: Number(config.upstream_keepalive_idle_timeout) * 1000,
    },
    clientCertificate,
  };
}
