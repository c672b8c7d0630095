import { describe, expect, it } from 'vitest';
import { normalizeTargetRef, parseTarget, peerKey } from './target-address.js';

describe('target parsing', () => {
  it('parses names, IPv4 and bracketed IPv6 with Kong default port 8000', () => {
    expect(parseTarget('example.com')).toEqual({ host: 'example.com', port: 8000, family: 0 });
    expect(parseTarget('10.0.0.1:81')).toEqual({ host: '10.0.0.1', port: 81, family: 4 });
    expect(parseTarget('[::1]:82')).toEqual({ host: '::1', port: 82, family: 6 });
    expect(parseTarget('::1')).toEqual({ host: '::1', port: 8000, family: 6 });
    expect(normalizeTargetRef('[::1]')).toBe('[::1]:8000');
    expect(peerKey({ address: '::1', port: 80 })).toBe('[::1]:80');
  });

  it('rejects a bad port with Kong message', () => {
    expect(() => parseTarget('host:99999')).toThrowError("Invalid target ('host:99999'); not a valid hostname or ip address");
  });
});
