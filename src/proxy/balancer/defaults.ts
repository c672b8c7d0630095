import { randomUUID } from 'node:crypto';
import type { Healthchecks, Upstream, UpstreamInput } from './types.js';

/** Kong's healthchecks defaults (upstreams.lua): every check is off until an interval or threshold is set. */
export function defaultHealthchecks(): Healthchecks {
  return {
    active: {
      type: 'http',
      timeout: 1,
      concurrency: 10,
      http_path: '/',
      https_verify_certificate: true,
      https_sni: null,
      headers: null,
      healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
      unhealthy: {
        interval: 0,
        http_statuses: [429, 404, 500, 501, 502, 503, 504, 505],
        tcp_failures: 0,
        timeouts: 0,
        http_failures: 0,
      },
    },
    passive: {
      type: 'http',
      healthy: {
        http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
        successes: 0,
      },
      unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0 },
    },
    threshold: 0,
  };
}

/** Fills every unset field of an upstream with Kong's default, so the balancer never sees a hole. */
export function normalizeUpstream(input: UpstreamInput): Upstream {
  const d = defaultHealthchecks();
  const hc = input.healthchecks ?? {};
  const active = hc.active ?? {};
  const passive = hc.passive ?? {};
  const hashOn = input.hash_on ?? 'none';
  return {
    id: input.id ?? randomUUID(),
    name: input.name,
    // Kong's shorthand coupling: hashing implies consistent-hashing.
    algorithm: input.algorithm ?? (hashOn !== 'none' ? 'consistent-hashing' : 'round-robin'),
    hash_on: hashOn,
    hash_fallback: input.hash_fallback ?? 'none',
    hash_on_header: input.hash_on_header ?? null,
    hash_fallback_header: input.hash_fallback_header ?? null,
    hash_on_cookie: input.hash_on_cookie ?? null,
    hash_on_cookie_path: input.hash_on_cookie_path ?? '/',
    hash_on_query_arg: input.hash_on_query_arg ?? null,
    hash_fallback_query_arg: input.hash_fallback_query_arg ?? null,
    hash_on_uri_capture: input.hash_on_uri_capture ?? null,
    hash_fallback_uri_capture: input.hash_fallback_uri_capture ?? null,
    slots: input.slots ?? 10000,
    healthchecks: {
      active: {
        type: active.type ?? d.active.type,
        timeout: active.timeout ?? d.active.timeout,
        concurrency: active.concurrency ?? d.active.concurrency,
        http_path: active.http_path ?? d.active.http_path,
        https_verify_certificate: active.https_verify_certificate ?? d.active.https_verify_certificate,
        https_sni: active.https_sni ?? null,
        headers: (active.headers as Record<string, string[]> | null | undefined) ?? null,
        healthy: { ...d.active.healthy, ...stripNullish(active.healthy) },
        unhealthy: { ...d.active.unhealthy, ...stripNullish(active.unhealthy) },
      },
      passive: {
        type: passive.type ?? d.passive.type,
        healthy: { ...d.passive.healthy, ...stripNullish(passive.healthy) },
        unhealthy: { ...d.passive.unhealthy, ...stripNullish(passive.unhealthy) },
      },
      threshold: hc.threshold ?? d.threshold,
    },
    host_header: input.host_header ?? null,
    client_certificate: input.client_certificate?.id ? { id: input.client_certificate.id } : null,
    use_srv_name: input.use_srv_name ?? false,
    tags: (input.tags as string[] | null | undefined) ?? null,
    ...(input.created_at !== undefined ? { created_at: input.created_at } : {}),
    ...(input.updated_at !== undefined ? { updated_at: input.updated_at } : {}),
  };
}

function stripNullish<T extends object>(value: T | null | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/**
 * Kong only builds a health checker when some check can change a status
 * (healthcheckers.lua is_upstream_using_healthcheck); otherwise every address reports HEALTHCHECKS_OFF.
 */
export function usesHealthchecks(hc: Healthchecks): boolean {
  return (
    hc.active.healthy.interval !== 0 ||
    hc.active.unhealthy.interval !== 0 ||
    hc.passive.unhealthy.tcp_failures !== 0 ||
    hc.passive.unhealthy.timeouts !== 0 ||
    hc.passive.unhealthy.http_failures !== 0
  );
}
