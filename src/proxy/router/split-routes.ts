/**
 * traditional_compatible splits a route with several paths into one virtual route per distinct
 * prefix length plus one for all its regexes (Kong `transform.lua`
 * split_routes_and_services_by_path), so that each part competes with its own priority.
 */
import { isRegexPath } from './regex.js';
import type { RouteInput } from './types.js';
import { uuidV5 } from './uuid-v5.js';

// The UUIDv5 namespace Kong derives split-route ids from; the ids decide ties between routes.
const SPLIT_NAMESPACE = '7f145bf9-0dce-4f91-98eb-debbce4b9f6b';

export interface PathGroup {
  /** The id this part is ordered by: the route's own, or the derived one when split. */
  id: string;
  paths: string[] | null;
}

/** Groups in order of first appearance; the key is 0 for regexes, else the prefix byte length. */
export function splitByPathGroup(route: RouteInput): PathGroup[] {
  const paths = route.paths;
  if (!paths || paths.length <= 1) return [{ id: route.id, paths: paths && paths.length > 0 ? [...paths] : null }];

  const groups = new Map<number, string[]>();
  for (const path of paths) {
    const key = isRegexPath(path) ? 0 : Buffer.byteLength(path, 'utf8');
    const group = groups.get(key);
    if (group) group.push(path);
    else groups.set(key, [path]);
  }
  if (groups.size === 1) return [{ id: route.id, paths: [...paths] }];

  return [...groups.values()].map((group, index) => ({
    id: uuidV5(SPLIT_NAMESPACE, `${route.id}#${index + 1}`),
    paths: group,
  }));
}
