/**
 * The router's inputs and outputs. Inputs mirror Kong's entity JSON (as the schema module and the
 * config snapshot produce them); the router never mutates them.
 */

export type PathHandling = 'v0' | 'v1';

/** A `{ip, port}` entry of `sources`/`destinations` (stream routes; accepted, not matched on). */
export interface RouteNet {
  ip?: string | null;
  port?: number | null;
}

export interface RouteInput {
  id: string;
  name?: string | null;
  protocols: string[];
  methods?: string[] | null;
  hosts?: string[] | null;
  paths?: string[] | null;
  headers?: Record<string, string[]> | null;
  snis?: string[] | null;
  sources?: RouteNet[] | null;
  destinations?: RouteNet[] | null;
  regex_priority: number;
  strip_path: boolean;
  preserve_host: boolean;
  path_handling: PathHandling;
  https_redirect_status_code: number;
  created_at: number;
  service?: { id: string } | null;
  [extra: string]: unknown;
}

export interface ServiceInput {
  id: string;
  name?: string | null;
  protocol: string;
  host: string;
  port: number;
  path?: string | null;
  /** Routes of a service with `enabled: false` are left out of the router (Kong's runloop does the same). */
  enabled?: boolean;
  [extra: string]: unknown;
}

export interface RouterRequest {
  method: string;
  /** The scheme the client used on this connection (decides SNI matching and the https redirect). */
  scheme: 'http' | 'https';
  /** The raw Host header, port included if the client sent one; '' when absent (HTTP/1.0). */
  host: string;
  /** The listener port, used for `host:port` route entries when the Host header carries no port. */
  port: number;
  /** The request-target's path as received: no query string, not yet normalised. */
  rawPath: string;
  /**
   * Request headers with lower-case names. Pass repeated header lines as a string[]: Kong matches
   * each line separately and never splits a comma-joined line.
   */
  headers: Record<string, string | string[] | undefined>;
  /** The TLS server name the client sent (https only). */
  sni?: string;
}

export interface RouteMatch {
  route: RouteInput;
  /** null for a route without a service (the proxy answers 503). */
  service: ServiceInput | null;
  /** The route `paths` entry that matched, as configured (a regex keeps its `~`). */
  matchedPath?: string;
  /** Regex captures: "0" is the whole match, "1".."n" positional, plus named groups. Only when the regex has groups that took part. */
  uriCaptures?: Readonly<Record<string, string>>;
  /** The route `hosts` entry that matched, as configured. */
  matchedHost?: string;
  /** The part of the normalised path removed by strip_path (Kong's `X-Forwarded-Prefix` source); absent when nothing was stripped. */
  prefix?: string;
  /** The normalised request path the router matched on. */
  normalizedPath: string;
  /** Upstream path per spec §3.4, decoded (Kong's `upstream_uri` before escaping), no query. */
  upstreamPath: string;
  /** `upstreamPath` escaped for the wire (spec §3.4); append the raw query string to it. */
  upstreamPathEscaped: string;
  /** The Host to send upstream: the client's Host verbatim when preserve_host, else null (use the target's). */
  upstreamHost: string | null;
  /** Set when the route allows https but not http and the request came over http: 426 or a redirect. */
  redirect?: { status: number };
}

export interface RouteSkip {
  routeId: string;
  reason: string;
}

export interface Router {
  /** The best route for the request per Kong's traditional_compatible rules, or null (404). Results are frozen and may be shared. */
  match(req: RouterRequest): RouteMatch | null;
  /** Routes left out at compile time because a path regex does not compile here (Kong logs and drops them too). */
  readonly skipped: readonly RouteSkip[];
  /** How many (virtual, split-by-path) routes the router holds. */
  readonly size: number;
}

export interface RouterOptions {
  /** Bounded LRU size for match results; default follows Kong (5000 per 5000 routes, at most 100000). */
  cacheSize?: number;
  /**
   * traditional_compatible ignores `path_handling: v1` and always builds paths the v0 way (spec §1.2).
   * Set true to honour v1 as the legacy `traditional` router did.
   */
  honourPathHandlingV1?: boolean;
  /**
   * The router being replaced: parts compiled from the same (frozen) route and service objects
   * keep their order from it and only new ones are sorted in. Matching is unaffected.
   */
  previous?: Router;
}
