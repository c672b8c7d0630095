/**
 * Admin API reads while PostgreSQL is unreachable: answered from the configuration snapshot
 * the node is serving (which holds every entity row it loaded), instead of failing. Writes
 * still answer 503 (admin-write-guard.ts): the snapshot is only a copy, not the source.
 */
import type { Dao, EntityReader } from '../dao/index.js';
import { snapshotEntityReader } from '../declarative/snapshot-reader.js';
import { ErrorCode, GatewayError, isGatewayError } from '../errors.js';
import { getService, type GatewayContext } from '../gateway/context.js';
import type { Entity } from '../schema/index.js';
import type { EntityRows } from '../snapshot/types.js';
import type { ReachabilitySource } from './admin-write-guard.js';
import { findSnapshotManager } from './snapshot-lookup.js';

function unreadable(entity: Entity): GatewayError {
  return new GatewayError(
    ErrorCode.SERVICE_UNAVAILABLE,
    `the database is unreachable and '${entity.name}' is not part of this node's configuration snapshot: retry once the database is back`,
  );
}

function connectionFailure(err: unknown): boolean {
  if (isGatewayError(err)) return err.code === ErrorCode.DATASTORE_CONNECT || err.code === ErrorCode.SERVICE_UNAVAILABLE;
  const code = (err as { code?: unknown } | null)?.code;
  // Socket-level failures, and PostgreSQL shutting down / refusing connections (class 57P, 08).
  return typeof code === 'string' && (/^E(CONN|HOST|NET|PIPE|TIMEDOUT)/.test(code) || /^(08|57P)/.test(code));
}

/**
 * SQL while the database is reachable; the snapshot when the cluster's health says it is down,
 * or when a read fails for lack of a connection (the feed may not have noticed yet).
 */
export function outageTolerantReader(sql: EntityReader, rows: () => EntityRows, health: () => ReachabilitySource | undefined): EntityReader {
  const snapshot = snapshotEntityReader(rows);
  const run = async <T>(entity: Entity | null, viaSql: () => Promise<T>, viaSnapshot: () => Promise<T>): Promise<T> => {
    const fromSnapshot = () => {
      if (entity && rows()[entity.name] === undefined) throw unreadable(entity);
      return viaSnapshot();
    };
    if (health()?.reachable === false) return fromSnapshot();
    try {
      return await viaSql();
    } catch (err) {
      if (!connectionFailure(err) && health()?.reachable !== false) throw err;
      return fromSnapshot();
    }
  };
  return {
    select: (e, k) => run(e, () => sql.select(e, k), () => snapshot.select(e, k)),
    page: (e, q) => run(e, () => sql.page(e, q), () => snapshot.page(e, q)),
    count: (e, f) => run(e, () => sql.count(e, f), () => snapshot.count(e, f)),
    pageTags: (es, q) => run(null, () => sql.pageTags(es, q), () => snapshot.pageTags(es, q)),
  };
}

/**
 * Points the DAO's reads at `outageTolerantReader`. The DAO takes its reader at construction
 * (admin/entity-hook.ts builds it before the snapshot exists), so the field is replaced here;
 * see the report for the seam the DAO could offer instead.
 */
export function useSnapshotWhileDatabaseDown(ctx: GatewayContext, health: () => ReachabilitySource | undefined): boolean {
  const dao = getService<Dao>(ctx, 'dao');
  const manager = findSnapshotManager(ctx);
  if (!ctx.datastore || !dao || !manager) return false;
  const writable = dao as unknown as { reader: EntityReader };
  writable.reader = outageTolerantReader(dao.reader, () => manager.current().rows, health);
  return true;
}
