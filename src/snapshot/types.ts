/** The shapes a configuration snapshot is made of. */
import type { Balancer } from '../proxy/balancer/index.js';
import type { PdkSnapshot, Row } from '../plugins/types.js';
import type { PluginIndex } from './plugin-index.js';
import type { CertificateIndex } from './certificates.js';
import type { ProxyRouter } from './router-adapter.js';

/** Input of a snapshot: every entity's rows in Admin API JSON shape (foreign keys as `{id}`). */
export type EntityRows = Readonly<Record<string, readonly Row[]>>;

/** Immutable, compiled configuration the proxy reads and nothing else. */
export interface ConfigSnapshot {
  /** Content hash (32 hex chars) of the rows it was built from: Kong's configuration_hash. */
  readonly version: string;
  readonly builtAt: number;
  readonly rows: EntityRows;
  /** Lookup by id/field for plugins (`kong.snapshot`). */
  readonly entities: PdkSnapshot;
  readonly router: ProxyRouter;
  /** Balancers by upstream name (services whose host is an upstream name are balanced). */
  readonly balancers: ReadonlyMap<string, Balancer>;
  /** Balancers by upstream id. */
  readonly balancersById: ReadonlyMap<string, Balancer>;
  readonly plugins: PluginIndex;
  readonly certificates: CertificateIndex;
}
