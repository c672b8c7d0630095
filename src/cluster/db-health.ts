import { Gauge, register } from 'prom-client';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

export type HealthListener = (reachable: boolean) => void;

const GAUGE_NAME = 'kong_datastore_reachable';

/** Kong's prometheus plugin exports this gauge; we keep the name so dashboards carry over. */
function reachableGauge(): Gauge {
  const existing = register.getSingleMetric(GAUGE_NAME);
  if (existing) return existing as Gauge;
  return new Gauge({ name: GAUGE_NAME, help: 'Datastore reachable from Kong, 0 is unreachable' });
}

/**
 * Whether this node can reach PostgreSQL right now, as seen by the cluster change feed (its
 * LISTEN connection and polls). The Admin API refuses writes while it is false; `/status` and
 * the `kong_datastore_reachable` gauge report it.
 */
export class DatabaseHealth {
  private state = true;
  private since = Date.now();
  private lastError: string | null = null;
  private readonly listeners = new Set<HealthListener>();
  private readonly gauge = reachableGauge();

  constructor(private readonly log?: Logger) {
    this.gauge.set(1);
  }

  get reachable(): boolean {
    return this.state;
  }

  /** ms since the epoch of the last change of state. */
  get changedAt(): number {
    return this.since;
  }

  get error(): string | null {
    return this.lastError;
  }

  markDown(err: unknown): void {
    this.lastError = errorMessage(err);
    if (!this.state) return;
    this.state = false;
    this.since = Date.now();
    this.gauge.set(0);
    this.log?.error({ err: this.lastError }, 'database unreachable: serving the last configuration; Admin API writes answer 503 until it is back');
    this.notify();
  }

  markUp(): void {
    if (this.state) return;
    const downMs = Date.now() - this.since;
    this.state = true;
    this.since = Date.now();
    this.lastError = null;
    this.gauge.set(1);
    this.log?.warn({ downMs }, 'database reachable again: catching up on configuration changes');
    this.notify();
  }

  onChange(cb: HealthListener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private notify(): void {
    for (const cb of [...this.listeners]) {
      try {
        cb(this.state);
      } catch (err) {
        this.log?.error({ err: errorMessage(err) }, 'database health listener failed');
      }
    }
  }
}
