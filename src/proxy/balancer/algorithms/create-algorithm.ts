import { ErrorCode, GatewayError } from '../../../errors.js';
import type { Upstream } from '../types.js';
import type { Algorithm } from './algorithm.js';
import { ConsistentHashing } from './consistent-hashing.js';
import { Latency } from './latency.js';
import { LeastConnections } from './least-connections.js';
import { RoundRobin } from './round-robin.js';

export function createAlgorithm(upstream: Upstream, now: () => number): Algorithm {
  switch (upstream.algorithm) {
    case 'consistent-hashing':
      return new ConsistentHashing(upstream.slots);
    case 'least-connections':
      return new LeastConnections();
    case 'latency':
      return new Latency(now);
    case 'round-robin':
      return new RoundRobin();
    default:
      throw new GatewayError(ErrorCode.CONFIG, `upstream '${upstream.name}': unknown algorithm '${String(upstream.algorithm)}'; use round-robin, consistent-hashing, least-connections or latency`);
  }
}
