import { describe, expect, it } from 'vitest';
import { compileOriginRules, compilePcre, matchOrigin, normalizeOrigin } from './origins.js';

describe('cors origins', () => {
  it('normalises origins, dropping default ports', () => {
    expect(normalizeOrigin('http://example.com:80')).toEqual({ domain: 'http://example.com', host: 'example.com' });
    expect(normalizeOrigin('https://example.com:443')).toEqual({ domain: 'https://example.com', host: 'example.com' });
    expect(normalizeOrigin('https://example.com:8443/path')).toEqual({ domain: 'https://example.com:8443', host: 'example.com' });
    expect(normalizeOrigin('example.com')).toEqual({ domain: 'example.com', host: 'example.com' });
  });

  it('compares exact origins after normalisation', () => {
    const rules = compileOriginRules(['http://example.com', 'https://other.org:8443']);
    expect(matchOrigin(rules, normalizeOrigin('http://example.com:80'))).toBe(true);
    expect(matchOrigin(rules, normalizeOrigin('https://example.com'))).toBe(false);
    expect(matchOrigin(rules, normalizeOrigin('https://other.org:8443'))).toBe(true);
  });

  it('anchors regexes at both ends and matches by host unless the regex has a colon', () => {
    const byHost = compileOriginRules(['(.*[.])?example\\.com']);
    expect(matchOrigin(byHost, normalizeOrigin('https://api.example.com'))).toBe(true);
    expect(matchOrigin(byHost, normalizeOrigin('https://example.com.evil.org'))).toBe(false);
    expect(matchOrigin(byHost, normalizeOrigin('https://notexample.com'))).toBe(false);
    const byOrigin = compileOriginRules(['^https://[a-z]+\\.example\\.com$']);
    expect(matchOrigin(byOrigin, normalizeOrigin('https://api.example.com'))).toBe(true);
    expect(matchOrigin(byOrigin, normalizeOrigin('http://api.example.com'))).toBe(false);
  });

  it('understands PCRE inline flags and named groups', () => {
    expect(compilePcre('(?i)EXAMPLE')?.test('example')).toBe(true);
    expect(compilePcre('(?P<sub>[a-z]+)\\.example')?.test('a.example')).toBe(true);
    expect(compilePcre('([a-z')).toBeUndefined();
  });
});
