import { ErrorCode, GatewayError } from '../../errors.js';
import { createAddress, type BalancerAddress } from './address.js';
import { ActiveChecker } from './active-checker.js';
import { createAlgorithm } from './algorithms/create-algorithm.js';
import { normalizeUpstream, usesHealthchecks } from './defaults.js';
import { DnsCache, systemResolve } from './dns-cache.js';
import { hashInput } from './hash-value.js';
import { classifyStatus, type CheckResult } from './health-counters.js';
import type { ProbeOutcome } from './probes.js';
import { normalizeTargetRef, parseTarget, type ParsedTarget } from './target-address.js';
import type {
  AddressHealth,
  Balancer,
  BalancerDeps,
  HealthChangeEvent,
  Outcome,
  PickContext,
  PickResult,
  Target,
  TargetHealthEntry,
  TargetStatusData,
  UpstreamHealth,
  UpstreamInput,
} from './types.js';

/** Kong re-queries DNS every 30 s (balancers.lua REQUERY_INTERVAL); lookup() gives no TTL to honour. */
const DEFAULT_DNS_TTL_SECONDS = 30;

interface TargetState {
  readonly target: Target;
  readonly parsed: ParsedTarget;
  /** Normalised "host:port" for matching Admin API references. */
  readonly ref: string;
  addresses: BalancerAddress[];
}

/**
 * Builds the balancer of one upstream: its targets' addresses, the algorithm, health state
 * (active probes, passive circuit breaker, manual overrides) and DNS resolution of named targets.
 * A balancer is immutable config-wise: a changed upstream or target list means a new balancer.
 */
export function createBalancer(upstreamInput: UpstreamInput, targets: readonly Target[], deps: BalancerDeps = {}): Balancer {
  const upstream = normalizeUpstream(upstreamInput);
  const now = deps.now ?? Date.now;
  const healthchecksOn = usesHealthchecks(upstream.healthchecks);
  const algorithm = createAlgorithm(upstream, now);
  const dns = new DnsCache(deps.resolve ?? systemResolve, (deps.dnsTtl ?? DEFAULT_DNS_TTL_SECONDS) * 1000, now);
  const hashing = upstream.algorithm === 'consistent-hashing' && upstream.hash_on !== 'none';
  let stopped = false;

  const states: TargetState[] = targets.map((target) => {
    const parsed = parseTarget(target.target);
    const state: TargetState = { target, parsed, ref: normalizeTargetRef(target.target), addresses: [] };
    if (parsed.family !== 0) state.addresses = [createAddress(target.id, parsed.host, parsed.port, target.weight)];
    return state;
  });
  const byTargetId = new Map(states.map((s) => [s.target.id, s]));

  const rebuild = (): void => {
    algorithm.rebuild(allAddresses().filter((a) => a.weight > 0));
  };
  const allAddresses = (): BalancerAddress[] => states.flatMap((s) => s.addresses);

  /** Replaces a named target's addresses with a fresh DNS answer, keeping the health of those that stay. */
  const applyDns = (state: TargetState): void => {
    const answer = dns.get(state.parsed.host);
    if (!answer || stopped) return;
    const wanted = answer.addresses;
    const current = state.addresses;
    if (wanted.length === current.length && wanted.every((ip, i) => current[i].ip === ip)) return;
    const keep = new Map(current.map((a) => [a.ip, a]));
    // Kong gives every A/AAAA record the target's full weight (balancers.lua addAddress).
    state.addresses = wanted.map((ip) => keep.get(ip) ?? createAddress(state.target.id, ip, state.parsed.port, state.target.weight));
    rebuild();
  };

  const refreshNamed = (state: TargetState): Promise<void> =>
    dns.refresh(state.parsed.host).then(() => applyDns(state));

  const namedStates = states.filter((s) => s.parsed.family === 0);
  const initialDns = Promise.all(namedStates.map(refreshNamed)).then(() => undefined);
  rebuild();

  const refreshStaleDns = (): void => {
    for (const state of namedStates) if (dns.isStale(state.parsed.host)) void refreshNamed(state);
  };

  const weights = (): { total: number; unavailable: number } => {
    let total = 0;
    let unavailable = 0;
    for (const a of allAddresses()) {
      total += a.weight;
      if (!a.available) unavailable += a.weight;
    }
    return { total, unavailable };
  };

  /** Kong's balancer health: healthy weight must stay strictly above `threshold` percent. */
  const balancerHealthy = (): boolean => {
    const { total, unavailable } = weights();
    if (total === 0) return false;
    return ((total - unavailable) / total) * 100 > upstream.healthchecks.threshold;
  };

  const emit = (address: BalancerAddress, healthy: boolean, source: HealthChangeEvent['source']): void => {
    const state = byTargetId.get(address.targetId);
    deps.onHealthChange?.({
      targetId: address.targetId,
      target: state?.target.target ?? '',
      address: address.ip,
      port: address.port,
      healthy,
      source,
    });
  };

  const count = (address: BalancerAddress, result: CheckResult, kind: 'active' | 'passive'): void => {
    const checks = upstream.healthchecks[kind];
    const limits = {
      successes: checks.healthy.successes,
      http_failures: checks.unhealthy.http_failures,
      tcp_failures: checks.unhealthy.tcp_failures,
      timeouts: checks.unhealthy.timeouts,
    };
    const healthy = address.counters.record(result, limits, address.available);
    if (healthy !== address.available) {
      address.available = healthy;
      emit(address, healthy, kind);
    }
  };

  const findAddress = (pick: PickResult): BalancerAddress | undefined =>
    byTargetId.get(pick.targetId)?.addresses.find((a) => a.ip === pick.address && a.port === pick.port);

  const outcomeResult = (outcome: Outcome | ProbeOutcome, kind: 'active' | 'passive'): CheckResult | null => {
    switch (outcome.kind) {
      case 'http': {
        const checks = upstream.healthchecks[kind];
        return classifyStatus(outcome.status, checks.healthy.http_statuses, checks.unhealthy.http_statuses);
      }
      case 'connected':
        return 'success';
      case 'tcp_failure':
        return 'tcp_failure';
      case 'timeout':
        return 'timeout';
    }
  };

  const hostnameOf = (state: TargetState | undefined): string | undefined => state?.parsed.host;

  const checker = new ActiveChecker(
    upstream.healthchecks.active,
    {
      addressesIn: (which) => allAddresses().filter((a) => a.weight > 0 && a.available === (which === 'healthy')),
      hostnameFor: (a) => upstream.host_header ?? hostnameOf(byTargetId.get(a.targetId)),
      recordProbe: (a, outcome) => {
        if (!allAddresses().includes(a)) return;
        const result = outcomeResult(outcome, 'active');
        if (result) count(a, result, 'active');
      },
    },
    { clientCertificate: deps.clientCertificate, ca: deps.ca },
  );

  const addressHealth = (a: BalancerAddress): AddressHealth['health'] =>
    healthchecksOn ? (a.available ? 'HEALTHY' : 'UNHEALTHY') : 'HEALTHCHECKS_OFF';

  const targetStatus = (state: TargetState): TargetStatusData => {
    let total = 0;
    let unavailable = 0;
    for (const a of state.addresses) {
      total += a.weight;
      if (!a.available) unavailable += a.weight;
    }
    return {
      host: state.parsed.host,
      port: state.parsed.port,
      dns: dnsSource(state),
      nodeWeight: state.target.weight,
      weight: { total, unavailable, available: total - unavailable },
      addresses: state.addresses.map((a) => ({ ip: a.ip, port: a.port, weight: a.weight, health: addressHealth(a) })),
    };
  };

  const dnsSource = (state: TargetState): string => {
    if (state.parsed.family === 4) return 'A';
    if (state.parsed.family === 6) return 'AAAA';
    const answer = dns.get(state.parsed.host);
    if (!answer) return 'unknown';
    if (answer.error && answer.addresses.length === 0) return answer.error;
    return answer.addresses[0]?.includes(':') ? 'AAAA' : 'A';
  };

  return {
    upstream,

    ready: () => initialDns,

    pick(ctx: PickContext): PickResult | null {
      if (stopped) return null;
      refreshStaleDns();
      if (!balancerHealthy()) return null;
      const input = hashing ? hashInput(upstream, ctx) : { value: '' };
      const usable = (a: BalancerAddress): boolean => a.available && a.weight > 0;
      const tried = ctx.tried;
      let chosen = algorithm.pick((a) => usable(a) && !tried?.has(a.peer), input.value);
      // Every peer already failed once: start over among them, as Kong's least-connections does.
      if (!chosen && tried && tried.size > 0) chosen = algorithm.pick(usable, input.value);
      if (!chosen) return null;
      chosen.connections += 1;
      const state = byTargetId.get(chosen.targetId);
      const result: PickResult = { address: chosen.ip, port: chosen.port, targetId: chosen.targetId };
      const hostHeader = upstream.host_header ?? hostnameOf(state);
      if (hostHeader) result.hostHeader = hostHeader;
      if (input.setCookie) result.setCookie = input.setCookie;
      return result;
    },

    report(pick: PickResult, outcome: Outcome): void {
      if (!healthchecksOn || stopped) return;
      const address = findAddress(pick);
      if (!address) return;
      const result = outcomeResult(outcome, 'passive');
      if (result) count(address, result, 'passive');
    },

    release(pick: PickResult): void {
      const address = findAddress(pick);
      if (address && address.connections > 0) address.connections -= 1;
    },

    observeLatency(pick: PickResult, latencyMs: number): void {
      const address = findAddress(pick);
      if (address) algorithm.observeLatency?.(address, latencyMs);
    },

    health(): TargetHealthEntry[] {
      return states.map((state) => {
        const data = targetStatus(state);
        return { ...state.target, health: targetHealth(data), data };
      });
    },

    upstreamHealth(): UpstreamHealth {
      if (!healthchecksOn) return { id: upstream.id, health: 'HEALTHCHECKS_OFF' };
      const { total, unavailable } = weights();
      const healthy = balancerHealthy();
      return {
        id: upstream.id,
        health: healthy ? 'HEALTHY' : 'UNHEALTHY',
        details: {
          healthy,
          weight: { total, unavailable, available: total - unavailable },
          hosts: states.map(targetStatus),
        },
      };
    },

    setTargetHealth(ref: string, healthy: boolean, address?: string): void {
      if (!healthchecksOn) {
        throw new GatewayError(ErrorCode.BAD_REQUEST, `no healthchecker found for ${upstream.name}`, {
          hint: 'enable a health check on the upstream (an active interval or a passive failure threshold)',
        });
      }
      const state = findTarget(states, byTargetId, ref);
      if (!state) throw new GatewayError(ErrorCode.NOT_FOUND, 'Not found');
      let chosen = state.addresses;
      if (address !== undefined) {
        const wanted = parseTarget(address);
        chosen = chosen.filter((a) => a.ip === wanted.host && a.port === wanted.port);
        if (chosen.length === 0) {
          throw new GatewayError(ErrorCode.BAD_REQUEST, `target not found: address '${address}' is not an address of ${state.ref}`);
        }
      }
      for (const a of chosen) {
        a.counters.reset();
        if (a.available !== healthy) {
          a.available = healthy;
          emit(a, healthy, 'manual');
        }
      }
    },

    start(): void {
      if (stopped || !healthchecksOn) return;
      checker.start();
    },

    async stop(): Promise<void> {
      stopped = true;
      dns.close();
      await checker.stop();
      await Promise.all(dns.pending());
    },
  };
}

/** Kong's page_for_upstream_with_health: any healthy address makes the target HEALTHY. */
function targetHealth(data: TargetStatusData): TargetHealthEntry['health'] {
  if (data.addresses.length === 0) return 'DNS_ERROR';
  let health: TargetHealthEntry['health'] = 'HEALTHCHECKS_OFF';
  for (const a of data.addresses) {
    if (a.health === 'HEALTHY') return 'HEALTHY';
    if (a.health === 'UNHEALTHY') health = 'UNHEALTHY';
  }
  return health;
}

function findTarget(states: TargetState[], byId: Map<string, TargetState>, ref: string): TargetState | undefined {
  const direct = byId.get(ref);
  if (direct) return direct;
  let normalized: string;
  try {
    normalized = normalizeTargetRef(ref);
  } catch {
    return undefined;
  }
  return states.find((s) => s.ref === normalized);
}
