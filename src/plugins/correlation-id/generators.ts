/**
 * Correlation id generators (Kong's correlation-id handler): a fresh UUID; one UUID per
 * worker followed by `#` and a counter; or a "tracker" made of where and when the request
 * arrived.
 */
import { randomUUID } from 'node:crypto';
import type { GeneratorName } from './schema.js';

export interface TrackerFacts {
  serverAddr: string;
  serverPort: number | string;
  pid: number;
  /** Serial number of the client connection. */
  connection: number | string;
  /** How many requests this connection has carried so far. */
  connectionRequests: number | string;
  /** Seconds since the epoch. */
  now: number;
}

/** Kong formats it as `addr-port-pid-connection-requests-seconds.milliseconds`. */
export function trackerId(f: TrackerFacts): string {
  return `${f.serverAddr}-${f.serverPort}-${f.pid}-${f.connection}-${f.connectionRequests}-${f.now.toFixed(3)}`;
}

/** One counter per process, as Kong keeps one per nginx worker. */
export class CounterGenerator {
  private counter = 0;
  constructor(private readonly base: string = randomUUID()) {}
  next(): string {
    this.counter += 1;
    return `${this.base}#${this.counter}`;
  }
}

const workerCounter = new CounterGenerator();

export function generate(name: GeneratorName, tracker: () => TrackerFacts): string {
  switch (name) {
    case 'uuid':
      return randomUUID();
    case 'uuid#counter':
      return workerCounter.next();
    case 'tracker':
      return trackerId(tracker());
  }
}
