/**
 * The ACL decision, apart from the PDK so it can be tested alone. `deny` lists block members;
 * `allow` lists block everyone else. A passing request carries the groups, comma-joined, in
 * the upstream header.
 */
export type AclRule = { type: 'allow' | 'deny'; groups: readonly string[] };

export function ruleOf(conf: { allow: readonly string[] | null; deny: readonly string[] | null }): AclRule {
  // Kong: a non-empty deny list makes it a deny rule; otherwise the allow list applies.
  if (conf.deny && conf.deny.length > 0) return { type: 'deny', groups: conf.deny };
  return { type: 'allow', groups: conf.allow ?? [] };
}

export function isBlocked(rule: AclRule, memberOf: readonly string[]): boolean {
  const inGroup = rule.groups.some((g) => memberOf.includes(g));
  return rule.type === 'deny' ? inGroup : !inGroup;
}
