import type { BalancerAddress } from './address.js';
import { startProbe, type ProbeOutcome, type RunningProbe } from './probes.js';
import type { ActiveHealthchecks } from './types.js';

/** What the checker needs from its balancer. */
export interface ActiveCheckerHost {
  /** Addresses with weight > 0 currently in the given state. */
  addressesIn(state: 'healthy' | 'unhealthy'): BalancerAddress[];
  /** Host header / SNI to use for this address. */
  hostnameFor(address: BalancerAddress): string | undefined;
  /** Counts one probe outcome (ignored if the address has left the balancer meanwhile). */
  recordProbe(address: BalancerAddress, outcome: ProbeOutcome): void;
}

/**
 * lua-resty-healthcheck's active checker: one loop probes the healthy addresses every
 * `healthy.interval` seconds, another the unhealthy ones every `unhealthy.interval`
 * (0 disables a loop), at most `concurrency` probes at a time. A round starts `interval`
 * after the previous round started, or right after it ended if it overran.
 */
export class ActiveChecker {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly probes = new Set<RunningProbe>();
  private readonly rounds = new Set<Promise<void>>();
  private running = false;

  constructor(
    private readonly config: ActiveHealthchecks,
    private readonly host: ActiveCheckerHost,
    private readonly tls: { clientCertificate?: { cert: string; key: string }; ca?: string | string[] },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule('healthy', this.config.healthy.interval);
    this.schedule('unhealthy', this.config.unhealthy.interval);
  }

  /** Clears both loops, destroys every probe socket and waits for in-flight rounds to finish. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const probe of this.probes) probe.cancel();
    await Promise.all([...this.rounds]);
  }

  private schedule(state: 'healthy' | 'unhealthy', intervalSeconds: number, delayMs = intervalSeconds * 1000): void {
    if (!this.running || intervalSeconds <= 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const startedAt = Date.now();
      const round = this.runRound(state).finally(() => {
        this.rounds.delete(round);
        const elapsed = Date.now() - startedAt;
        this.schedule(state, intervalSeconds, Math.max(0, intervalSeconds * 1000 - elapsed));
      });
      this.rounds.add(round);
    }, delayMs);
    // A health checker alone must not keep a process (e.g. a CLI command) alive.
    timer.unref();
    this.timers.add(timer);
  }

  private async runRound(state: 'healthy' | 'unhealthy'): Promise<void> {
    const queue = this.host.addressesIn(state);
    const workers = Math.max(1, Math.min(this.config.concurrency, queue.length));
    const work = async (): Promise<void> => {
      for (let address = queue.shift(); address && this.running; address = queue.shift()) {
        const outcome = await this.probe(address);
        if (this.running) this.host.recordProbe(address, outcome);
      }
    };
    await Promise.all(Array.from({ length: workers }, work));
  }

  private async probe(address: BalancerAddress): Promise<ProbeOutcome> {
    const probe = startProbe({
      type: this.config.type,
      ip: address.ip,
      port: address.port,
      hostname: this.host.hostnameFor(address),
      path: this.config.http_path,
      headers: this.config.headers,
      timeoutMs: this.config.timeout * 1000,
      verifyCertificate: this.config.https_verify_certificate,
      sni: this.config.https_sni,
      ...this.tls,
    });
    this.probes.add(probe);
    try {
      return await probe.result;
    } finally {
      this.probes.delete(probe);
    }
  }
}
