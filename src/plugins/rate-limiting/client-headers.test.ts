import { describe, expect, it } from 'vitest';
import { rateLimitHeaders } from './client-headers.js';
import type { CounterSpec } from './policies/policy.js';

const now = Date.UTC(2024, 0, 1, 10, 0, 20);
const spec = (period: CounterSpec['period'], limit: number): CounterSpec => ({ period, limit, windowStart: 0, ttl: 1 });

describe('rate-limiting client headers', () => {
  it('shows what is left after this request', () => {
    const { headers, exceeded } = rateLimitHeaders([spec('minute', 5)], new Map([['minute', 2]]), now);
    expect(exceeded).toBe(false);
    expect(headers).toEqual({
      'X-RateLimit-Limit-Minute': '5',
      'X-RateLimit-Remaining-Minute': '3',
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '3',
      'RateLimit-Reset': '40',
    });
  });

  it('picks the most constrained period, the longer window on a tie', () => {
    const { headers } = rateLimitHeaders([spec('second', 10), spec('hour', 12)], new Map([['second', 3], ['hour', 5]]), now);
    expect(headers['RateLimit-Limit']).toBe('12');
    expect(headers['RateLimit-Remaining']).toBe('7');
    const tie = rateLimitHeaders([spec('second', 5), spec('minute', 5)], new Map([['second', 5], ['minute', 5]]), now).headers;
    expect(tie['RateLimit-Limit']).toBe('5');
    expect(tie['RateLimit-Reset']).toBe('40');
  });

  it('on refusal adds Retry-After and does not count the request against periods still under limit', () => {
    const { headers, exceeded } = rateLimitHeaders([spec('second', 1), spec('minute', 5)], new Map([['second', 2], ['minute', 3]]), now);
    expect(exceeded).toBe(true);
    expect(headers['X-RateLimit-Remaining-Second']).toBe('0');
    expect(headers['X-RateLimit-Remaining-Minute']).toBe('3');
    expect(headers['RateLimit-Remaining']).toBe('0');
    expect(headers['Retry-After']).toBe('1');
  });
});
