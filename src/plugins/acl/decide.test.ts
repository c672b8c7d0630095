import { describe, expect, it } from 'vitest';
import { isBlocked, ruleOf } from './decide.js';

describe('acl decision', () => {
  it('allow lists block non-members', () => {
    const rule = ruleOf({ allow: ['admin', 'dev'], deny: null });
    expect(isBlocked(rule, ['dev'])).toBe(false);
    expect(isBlocked(rule, ['guest'])).toBe(true);
    expect(isBlocked(rule, [])).toBe(true);
  });
  it('deny lists block members only', () => {
    const rule = ruleOf({ allow: null, deny: ['banned'] });
    expect(rule.type).toBe('deny');
    expect(isBlocked(rule, ['banned', 'dev'])).toBe(true);
    expect(isBlocked(rule, [])).toBe(false);
  });
});
