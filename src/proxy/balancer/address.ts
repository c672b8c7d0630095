import { HealthCounters } from './health-counters.js';
import { peerKey } from './target-address.js';

/** One balancer entry: a resolved ip:port of a target, carrying the target's weight. */
export interface BalancerAddress {
  /** Unique inside a balancer: target id plus peer key (two targets may resolve to one IP). */
  readonly key: string;
  /** "ip:port" (IPv6 bracketed), as used in PickContext.tried. */
  readonly peer: string;
  readonly ip: string;
  readonly port: number;
  readonly targetId: string;
  weight: number;
  available: boolean;
  readonly counters: HealthCounters;
  /** Picks not yet released (least-connections). */
  connections: number;
}

export function createAddress(targetId: string, ip: string, port: number, weight: number): BalancerAddress {
  const peer = peerKey({ address: ip, port });
  return {
    key: `${targetId}|${peer}`,
    peer,
    ip,
    port,
    targetId,
    weight,
    available: true,
    counters: new HealthCounters(),
    connections: 0,
  };
}
