import { createBalancer, type Balancer, type BalancerDeps, type Target, type UpstreamInput } from '../proxy/balancer/index.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Row } from '../plugins/types.js';
import { getPluginSchema } from '../schema/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { CertificateIndex } from './certificates.js';
import { EntityIndex } from './entity-index.js';
import { freezeRows } from './freeze-rows.js';
import { primaryKeyOf } from './patch-rows.js';
import { hashEntities, hashValue } from './hash.js';
import { PluginIndex, type ResolvedPlugin } from './plugin-index.js';
import { buildRouter } from './router-adapter.js';
import type { ConfigSnapshot, EntityRows } from './types.js';

export interface BuildOptions {
  plugins: Pick<PluginRegistry, 'handler'>;
  log?: Logger;
  /** Balancers of the snapshot being replaced: reused when their upstream and targets are unchanged, so health state survives unrelated changes. */
  previous?: ConfigSnapshot | null;
  balancerDeps?: BalancerDeps;
  /**
   * The caller hands `input` over and never touches it again (a fresh datastore read, a parsed
   * file, rows received from the primary): its rows are frozen in place instead of copied.
   */
  adoptRows?: boolean;
}

/** A snapshot plus what the manager must do to its balancers once it is swapped in. */
export interface BuiltSnapshot {
  snapshot: ConfigSnapshot;
  /** New balancers to start. */
  created: Balancer[];
  /** Balancers of the previous snapshot no longer used, to stop after the swap. */
  retired: Balancer[];
}

const balancerKeys = new WeakMap<Balancer, string>();

/** What a snapshot was compiled from, so the next build can tell which parts it may reuse. */
interface BuildInputs {
  readonly rows: EntityRows;
  readonly plugins: BuildOptions['plugins'];
}
const inputsOf = new WeakMap<ConfigSnapshot, BuildInputs>();

/** Configured plugin instances by (entity row, handler): an unchanged row keeps its configured instance. */
const resolvedPlugins = new WeakMap<Row, { handler: unknown; resolved: ResolvedPlugin }>();

function buildBalancers(rows: EntityRows, certificates: CertificateIndex, opts: BuildOptions) {
  const targetsByUpstream = new Map<string, Row[]>();
  for (const t of rows.targets ?? []) {
    const id = t.upstream?.id;
    if (!id) continue;
    const list = targetsByUpstream.get(id);
    if (list) list.push(t);
    else targetsByUpstream.set(id, [t]);
  }
  const reusable = new Map<string, Balancer>();
  for (const b of opts.previous?.balancersById.values() ?? []) {
    const key = balancerKeys.get(b);
    if (key) reusable.set(key, b);
  }
  const byName = new Map<string, Balancer>();
  const byId = new Map<string, Balancer>();
  const created: Balancer[] = [];
  for (const upstream of rows.upstreams ?? []) {
    const targets = [...(targetsByUpstream.get(upstream.id) ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
    const cert = certificates.certificate(upstream.client_certificate?.id);
    const key = hashValue({ upstream, targets, cert: cert ? [cert.cert, cert.key] : null });
    let balancer = reusable.get(key);
    if (balancer) {
      reusable.delete(key);
    } else {
      const deps: BalancerDeps = { ...opts.balancerDeps };
      if (cert) deps.clientCertificate = { cert: cert.cert, key: cert.key };
      balancer = createBalancer(upstream as unknown as UpstreamInput, targets as unknown as Target[], deps);
      balancerKeys.set(balancer, key);
      created.push(balancer);
    }
    byName.set(upstream.name, balancer);
    byId.set(upstream.id, balancer);
  }
  return { byName, byId, created, retired: [...reusable.values()] };
}

function resolvePlugin(entity: Row, opts: BuildOptions): ResolvedPlugin | null {
  const handler = opts.plugins.handler(entity.name);
  if (!handler) {
    // Kong refuses to build its plugins iterator in this case; we keep serving without the plugin and say why.
    opts.log?.warn({ plugin: entity.name, id: entity.id }, `plugin '${entity.name}' is configured but not available on this node; add it to the 'plugins' setting`);
    return null;
  }
  const cached = resolvedPlugins.get(entity);
  if (cached && cached.handler === handler) return cached.resolved;
  let conf: unknown = entity.config ?? {};
  try {
    if (handler.configure) conf = handler.configure(conf, entity);
  } catch (err) {
    opts.log?.error({ plugin: entity.name, id: entity.id, err: errorMessage(err) }, `plugin '${entity.name}' failed to configure; instance skipped`);
    return null;
  }
  const resolved: ResolvedPlugin = {
    name: entity.name,
    handler,
    conf,
    entity,
    protocols: new Set<string>(Array.isArray(entity.protocols) ? entity.protocols : []),
  };
  resolvedPlugins.set(entity, { handler, resolved });
  return resolved;
}

function buildPlugins(rows: EntityRows, opts: BuildOptions): PluginIndex {
  const instances: ResolvedPlugin[] = [];
  for (const entity of rows.plugins ?? []) {
    if (entity.enabled === false) continue;
    const resolved = resolvePlugin(entity, opts);
    if (resolved) instances.push(resolved);
  }
  return new PluginIndex(instances, (name) => {
    const schema = getPluginSchema(name);
    return { noRoute: !!schema?.noRoute, noService: !!schema?.noService, noConsumer: !!schema?.noConsumer };
  });
}

const EMPTY: readonly Row[] = Object.freeze([]);

/** True when every listed entity has the very same (frozen, shared) row list in both. */
function sameLists(a: EntityRows, b: EntityRows | undefined, entities: readonly string[]): boolean {
  if (!b) return false;
  return entities.every((e) => (a[e] ?? EMPTY) === (b[e] ?? EMPTY) || ((a[e] ?? EMPTY).length === 0 && (b[e] ?? EMPTY).length === 0));
}

/**
 * Compiles rows into an immutable snapshot: router, balancers per upstream, plugin index,
 * SNI certificates and entity lookups. Throws only when the router cannot be built at all.
 * With `previous`, every part whose input lists are unchanged (same shared rows) is reused as is.
 */
export function buildSnapshot(input: EntityRows, opts: BuildOptions): BuiltSnapshot {
  const previous = opts.previous ?? null;
  const rows = freezeRows(input, { previous: previous?.rows, primaryKey: (entity) => primaryKeyOf(entity) ?? 'id', adopt: opts.adoptRows });
  const version = hashEntities(rows);
  const before = previous ? inputsOf.get(previous) : undefined;
  const prevRows = before?.rows;

  const certificates =
    previous && sameLists(rows, prevRows, ['certificates', 'snis', 'ca_certificates'])
      ? previous.certificates
      : new CertificateIndex(rows.certificates ?? [], rows.snis ?? [], rows.ca_certificates ?? []);

  let router = previous?.router;
  if (!router || !sameLists(rows, prevRows, ['routes', 'services'])) {
    router = buildRouter(rows.routes ?? [], rows.services ?? [], previous?.router);
    for (const skip of router.skipped) opts.log?.warn({ route: skip.routeId }, `route skipped: ${skip.reason}`);
  }

  const balancers =
    previous && certificates === previous.certificates && sameLists(rows, prevRows, ['upstreams', 'targets'])
      ? { byName: previous.balancers, byId: previous.balancersById, created: [], retired: [] }
      : buildBalancers(rows, certificates, opts);

  const plugins =
    previous && before?.plugins === opts.plugins && sameLists(rows, prevRows, ['plugins']) ? previous.plugins : buildPlugins(rows, opts);

  const snapshot: ConfigSnapshot = Object.freeze({
    version,
    builtAt: Date.now(),
    rows,
    entities: new EntityIndex(version, rows, previous?.entities instanceof EntityIndex ? previous.entities : undefined),
    router,
    balancers: balancers.byName,
    balancersById: balancers.byId,
    plugins,
    certificates,
  });
  inputsOf.set(snapshot, { rows, plugins: opts.plugins });
  return { snapshot, created: balancers.created, retired: balancers.retired };
}
