/**
 * Upstream and target shapes as Kong renders them in Admin API JSON
 * (kong/db/schema/entities/upstreams.lua, targets.lua), plus the balancer's own API types.
 */

export type BalancerAlgorithm = 'round-robin' | 'consistent-hashing' | 'least-connections' | 'latency';

export type HashOn = 'none' | 'consumer' | 'ip' | 'header' | 'cookie' | 'path' | 'query_arg' | 'uri_capture';

export type ActiveCheckType = 'tcp' | 'http' | 'https' | 'grpc' | 'grpcs';

export interface ActiveHealthyConfig {
  interval: number;
  http_statuses: number[];
  successes: number;
}

export interface ActiveUnhealthyConfig {
  interval: number;
  http_statuses: number[];
  tcp_failures: number;
  timeouts: number;
  http_failures: number;
}

export interface ActiveHealthchecks {
  type: ActiveCheckType;
  timeout: number;
  concurrency: number;
  http_path: string;
  https_verify_certificate: boolean;
  https_sni: string | null;
  headers: Record<string, string[]> | null;
  healthy: ActiveHealthyConfig;
  unhealthy: ActiveUnhealthyConfig;
}

export interface PassiveHealthchecks {
  type: ActiveCheckType;
  healthy: { http_statuses: number[]; successes: number };
  unhealthy: { http_statuses: number[]; tcp_failures: number; timeouts: number; http_failures: number };
}

export interface Healthchecks {
  active: ActiveHealthchecks;
  passive: PassiveHealthchecks;
  threshold: number;
}

export interface Upstream {
  id: string;
  name: string;
  algorithm: BalancerAlgorithm;
  hash_on: HashOn;
  hash_fallback: HashOn;
  hash_on_header: string | null;
  hash_fallback_header: string | null;
  hash_on_cookie: string | null;
  hash_on_cookie_path: string;
  hash_on_query_arg: string | null;
  hash_fallback_query_arg: string | null;
  hash_on_uri_capture: string | null;
  hash_fallback_uri_capture: string | null;
  slots: number;
  healthchecks: Healthchecks;
  host_header: string | null;
  client_certificate: { id: string } | null;
  use_srv_name: boolean;
  tags?: string[] | null;
  created_at?: number;
  updated_at?: number;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | null : T[K] };

/** What createBalancer accepts: a full Kong upstream, or a partial one that gets Kong's defaults. */
export type UpstreamInput = { name: string } & DeepPartial<Omit<Upstream, 'name'>>;

export interface Target {
  id: string;
  /** "host:port", normalised by the schema (port defaults to 8000 there). */
  target: string;
  weight: number;
  upstream: { id: string };
  created_at?: number;
  updated_at?: number;
  tags?: string[] | null;
}

export interface PickContext {
  clientIp: string;
  consumerId?: string;
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, string>;
  path: string;
  query: URLSearchParams;
  uriCaptures?: Record<string, string>;
  /** peerKey() of the peers already tried for this request (retries pick another peer when one exists). */
  tried?: Set<string>;
}

export interface PickResult {
  address: string;
  port: number;
  targetId: string;
  /** upstream.host_header, else the target's host (name or IP, without port: the proxy adds the port per §3.5). */
  hostHeader?: string;
  /** A full Set-Cookie value when hashing on a cookie the client did not send. */
  setCookie?: string;
}

export type Outcome = { kind: 'http'; status: number } | { kind: 'tcp_failure' } | { kind: 'timeout' };

export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'DNS_ERROR' | 'HEALTHCHECKS_OFF';

export interface AddressHealth {
  ip: string;
  port: number;
  weight: number;
  health: 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF';
}

/** Kong's per-target balancer status (balancer_mt:getTargetStatus). */
export interface TargetStatusData {
  host: string;
  port: number;
  /** "A", "AAAA", or the DNS error text. */
  dns: string;
  nodeWeight: number;
  weight: { total: number; unavailable: number; available: number };
  addresses: AddressHealth[];
}

/** One entry of `GET /upstreams/{u}/health`: the target entity plus `health` and `data`. */
export type TargetHealthEntry = Target & { health: HealthStatus; data: TargetStatusData };

/** `GET /upstreams/{u}/health?balancer_health=1` data. */
export interface UpstreamHealth {
  id: string;
  health: 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF';
  details?: {
    healthy: boolean;
    weight: { total: number; unavailable: number; available: number };
    hosts: TargetStatusData[];
  };
}

export interface HealthChangeEvent {
  targetId: string;
  target: string;
  address: string;
  port: number;
  healthy: boolean;
  source: 'active' | 'passive' | 'manual';
}

export interface BalancerDeps {
  /** Resolves a host name to IP addresses; defaults to dns.promises.lookup(host, {all: true}). */
  resolve?: (host: string) => Promise<string[]>;
  /** Milliseconds clock, for DNS TTL and latency decay. */
  now?: () => number;
  /** Seconds a DNS answer is reused before it is looked up again (default 30, Kong's requery interval). */
  dnsTtl?: number;
  /** Client certificate for https probes (the upstream's client_certificate, resolved by the caller). */
  clientCertificate?: { cert: string; key: string };
  /** Extra CAs trusted by https probes. */
  ca?: string | string[];
  onHealthChange?: (event: HealthChangeEvent) => void;
}

export interface Balancer {
  readonly upstream: Upstream;
  /** Resolves once every named target has had its first DNS answer (or error). */
  ready(): Promise<void>;
  pick(ctx: PickContext): PickResult | null;
  report(pick: PickResult, outcome: Outcome): void;
  release(pick: PickResult): void;
  observeLatency(pick: PickResult, latencyMs: number): void;
  health(): TargetHealthEntry[];
  upstreamHealth(): UpstreamHealth;
  setTargetHealth(target: string, healthy: boolean, address?: string): void;
  start(): void;
  stop(): Promise<void>;
}
