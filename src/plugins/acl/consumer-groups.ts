import type { Pdk } from '../types.js';

/**
 * Groups per consumer id, built once per snapshot version from the `acls` rows, so a request
 * costs one map lookup. Only the newest snapshot's index is kept.
 */
let indexed: { version: string; groups: Map<string, string[]> } | undefined;

export function consumerGroups(kong: Pdk, consumerId: string): readonly string[] {
  const version = kong.snapshot.version;
  if (!indexed || indexed.version !== version) {
    const groups = new Map<string, string[]>();
    for (const row of kong.snapshot.all('acls')) {
      const id = (row.consumer as { id?: string } | null)?.id;
      if (!id || typeof row.group !== 'string') continue;
      const list = groups.get(id);
      if (list) list.push(row.group);
      else groups.set(id, [row.group]);
    }
    indexed = { version, groups };
  }
  return indexed.groups.get(consumerId) ?? [];
}

/** Groups an authentication plugin granted without a consumer (kong.ctx.shared / ngx.ctx `authenticated_groups`). */
export function authenticatedGroups(kong: Pdk): string[] | undefined {
  const shared = kong.ctx.shared.authenticated_groups;
  if (Array.isArray(shared)) return shared.filter((g): g is string => typeof g === 'string');
  const core = kong.nginx.ctx.authenticated_groups;
  if (core === undefined || core === null) return undefined;
  if (!Array.isArray(core)) {
    kong.log.warn('invalid authenticated_groups, a table was expected');
    return undefined;
  }
  return core.filter((g): g is string => typeof g === 'string');
}
