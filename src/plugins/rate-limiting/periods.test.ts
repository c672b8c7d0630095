import { describe, expect, it } from 'vitest';
import { capitalized, periodStart, secondsToReset } from './periods.js';

const at = Date.UTC(2024, 1, 29, 13, 45, 30, 750); // 2024-02-29T13:45:30.750Z

describe('rate-limiting windows', () => {
  it('starts each window on the UTC calendar boundary', () => {
    expect(new Date(periodStart('second', at)).toISOString()).toBe('2024-02-29T13:45:30.000Z');
    expect(new Date(periodStart('minute', at)).toISOString()).toBe('2024-02-29T13:45:00.000Z');
    expect(new Date(periodStart('hour', at)).toISOString()).toBe('2024-02-29T13:00:00.000Z');
    expect(new Date(periodStart('day', at)).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(new Date(periodStart('month', at)).toISOString()).toBe('2024-02-01T00:00:00.000Z');
    expect(new Date(periodStart('year', at)).toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('reports seconds to reset as Kong does, never below 1', () => {
    expect(secondsToReset('minute', at)).toBe(30);
    expect(secondsToReset('second', at)).toBe(1);
    expect(secondsToReset('hour', at)).toBe(3600 - 45 * 60 - 30);
    expect(secondsToReset('minute', Date.UTC(2024, 0, 1, 0, 0, 59))).toBe(1);
  });

  it('names periods for headers', () => {
    expect(capitalized('minute')).toBe('Minute');
  });
});
