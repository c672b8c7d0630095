import { describe, expect, it } from 'vitest';
import { IpMatcher } from './ip-matcher.js';

describe('IpMatcher', () => {
  const m = new IpMatcher(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::1']);
  it('matches IPv4 addresses and ranges', () => {
    expect(m.matches('10.200.3.4')).toBe(true);
    expect(m.matches('192.168.1.7')).toBe(true);
    expect(m.matches('192.168.1.8')).toBe(false);
  });
  it('matches IPv6 addresses and ranges', () => {
    expect(m.matches('2001:db8:1::5')).toBe(true);
    expect(m.matches('::1')).toBe(true);
    expect(m.matches('2001:db9::1')).toBe(false);
  });
  it('treats IPv4-mapped IPv6 as IPv4 and refuses garbage', () => {
    expect(m.matches('::ffff:10.1.1.1')).toBe(true);
    expect(m.matches('not-an-ip')).toBe(false);
  });
});
