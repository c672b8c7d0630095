import type { Config } from '../config/index.js';
import type { Datastore } from '../datastore/index.js';
import type { Logger } from '../log.js';

/**
 * What one running node shares with its Admin API, proxy and status listeners. Modules that
 * arrive later (snapshot, plugins, cluster) hang their handles here rather than in globals.
 */
export interface GatewayContext {
  readonly config: Config;
  readonly log: Logger;
  readonly nodeId: string;
  readonly version: string;
  readonly hostname: string;
  readonly startedAt: number;
  /** null with `database = off`. */
  readonly datastore: Datastore | null;
  /** Extension slots filled by later modules (snapshot manager, plugin registry, metrics, …). */
  readonly services: Map<string, unknown>;
}

/** A node's context: identity from the prefix, the given datastore and initial services. */
export function createContext(
  config: Config,
  log: Logger,
  datastore: Datastore | null,
  services: Iterable<readonly [string, unknown]>,
  identity: { nodeId: string; version: string; hostname: string },
): GatewayContext {
  return { config, log, ...identity, startedAt: Date.now(), datastore, services: new Map(services) };
}

export function getService<T>(ctx: GatewayContext, name: string): T | undefined {
  return ctx.services.get(name) as T | undefined;
}
