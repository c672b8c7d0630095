import { describe, expect, it } from 'vitest';
import { classifyStatus, HealthCounters } from './health-counters.js';

const limits = { successes: 2, http_failures: 2, tcp_failures: 1, timeouts: 0 };

describe('HealthCounters', () => {
  it('flips to unhealthy at the failure limit and back at the success limit', () => {
    const c = new HealthCounters();
    let healthy = true;
    healthy = c.record('http_failure', limits, healthy);
    expect(healthy).toBe(true);
    healthy = c.record('http_failure', limits, healthy);
    expect(healthy).toBe(false);
    healthy = c.record('success', limits, healthy);
    expect(healthy).toBe(false);
    healthy = c.record('success', limits, healthy);
    expect(healthy).toBe(true);
  });

  it('a failure breaks a run of successes and a disabled counter is ignored', () => {
    const c = new HealthCounters();
    let healthy = c.record('tcp_failure', limits, true);
    expect(healthy).toBe(false);
    healthy = c.record('success', limits, healthy);
    healthy = c.record('http_failure', limits, healthy);
    healthy = c.record('success', limits, healthy);
    expect(healthy).toBe(false);
    for (let i = 0; i < 5; i++) expect(c.record('timeout', limits, true)).toBe(true);
  });

  it('classifies statuses by the configured lists only', () => {
    expect(classifyStatus(200, [200], [500])).toBe('success');
    expect(classifyStatus(500, [200], [500])).toBe('http_failure');
    expect(classifyStatus(404, [200], [500])).toBeNull();
  });
});
