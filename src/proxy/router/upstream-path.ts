/**
 * Joining the service path with what is left of the request path (spec §3.4). The v0 rules are
 * those of Kong's `get_upstream_uri_v0` (the only mode of traditional_compatible); v1 is the
 * legacy `traditional` router's plain concatenation.
 */
import type { PathHandling } from './types.js';

export interface UpstreamPathInput {
  /** service.path, or '/' when the service has none. */
  base: string;
  /** The normalised request path. */
  requestPath: string;
  /** The matched part of the request path when strip_path is on; '/' otherwise or for routes without paths. */
  prefix: string;
  stripPath: boolean;
  pathHandling: PathHandling;
}

/** What follows the stripped prefix, minus one leading `./` or `../` (a bare `.`/`..` becomes empty). */
export function requestPostfix(requestPath: string, prefix: string): string {
  const post = requestPath.slice(prefix.length);
  if (post === '.' || post === '..') return '';
  if (post.startsWith('./')) return post.slice(2);
  if (post.startsWith('../')) return post.slice(3);
  return post;
}

function joinV0(base: string, req: string, post: string, strip: boolean): string {
  if (base.endsWith('/')) {
    if (!strip) return base + req.slice(1);
    if (post === '') {
      if (base === '/') return '/';
      return req.endsWith('/') ? base : base.slice(0, -1);
    }
    // Avoid a double slash at the join.
    return post.startsWith('/') ? base.slice(0, -1) + post : base + post;
  }
  if (!strip) return req === '/' ? base : base + req;
  if (post === '') return req.length > 1 && req.endsWith('/') ? base + '/' : base;
  return post.startsWith('/') ? base + post : `${base}/${post}`;
}

function joinV1(base: string, req: string, post: string, strip: boolean): string {
  if (!strip) return base + req.slice(1);
  if (base.endsWith('/') && post.startsWith('/')) return base.slice(0, -1) + post;
  return base + post;
}

export function buildUpstreamPath(input: UpstreamPathInput): string {
  const { base, requestPath, stripPath } = input;
  // Without strip_path Kong treats the prefix as '/', so the postfix is the path minus its first slash.
  const post = requestPostfix(requestPath, stripPath ? input.prefix : '/');
  return input.pathHandling === 'v1'
    ? joinV1(base, requestPath, post, stripPath)
    : joinV0(base, requestPath, post, stripPath);
}
