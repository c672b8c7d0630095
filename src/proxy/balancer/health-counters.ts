/** One check result as lua-resty-healthcheck counts it. */
export type CheckResult = 'success' | 'http_failure' | 'tcp_failure' | 'timeout';

/** The limits of one check kind (active or passive); 0 disables that counter. */
export interface Thresholds {
  successes: number;
  http_failures: number;
  tcp_failures: number;
  timeouts: number;
}

/**
 * Per-address counters with lua-resty-healthcheck's rules: a result whose limit is 0 is ignored
 * outright (it does not even reset the other counters, so with the default passive
 * `healthy.successes = 0` good responses do not forgive earlier failures); a success resets the
 * failure counters and a failure resets the success counter; reaching a limit flips the status
 * and clears everything.
 */
export class HealthCounters {
  private successes = 0;
  private httpFailures = 0;
  private tcpFailures = 0;
  private timeouts = 0;

  /** Returns the new health after counting `result` for an address that is currently `healthy`. */
  record(result: CheckResult, limits: Thresholds, healthy: boolean): boolean {
    const limit = limitFor(result, limits);
    if (limit === 0) return healthy;
    if (result === 'success') {
      this.httpFailures = this.tcpFailures = this.timeouts = 0;
      if (healthy) return true;
      this.successes += 1;
      if (this.successes >= limit) {
        this.reset();
        return true;
      }
      return false;
    }
    this.successes = 0;
    if (!healthy) return false;
    const count = this.bump(result);
    if (count >= limit) {
      this.reset();
      return false;
    }
    return true;
  }

  reset(): void {
    this.successes = this.httpFailures = this.tcpFailures = this.timeouts = 0;
  }

  private bump(result: Exclude<CheckResult, 'success'>): number {
    if (result === 'http_failure') return ++this.httpFailures;
    if (result === 'tcp_failure') return ++this.tcpFailures;
    return ++this.timeouts;
  }
}

function limitFor(result: CheckResult, limits: Thresholds): number {
  switch (result) {
    case 'success':
      return limits.successes;
    case 'http_failure':
      return limits.http_failures;
    case 'tcp_failure':
      return limits.tcp_failures;
    case 'timeout':
      return limits.timeouts;
  }
}

/** Maps an HTTP status to a check result; statuses in neither list are not counted (null). */
export function classifyStatus(status: number, healthyStatuses: number[], unhealthyStatuses: number[]): CheckResult | null {
  if (healthyStatuses.includes(status)) return 'success';
  if (unhealthyStatuses.includes(status)) return 'http_failure';
  return null;
}
