/**
 * Joins the DAO and the entity endpoints to a node at start. Services it leaves on the context:
 * `dao` (Dao), `entityEvents` (EntityEvents: committed changes for the snapshot builder).
 * With `database = off`, reads go through the `entityReader` service once something (the
 * declarative snapshot) registers one; until then collections are empty.
 */
import '../schema/index.js';
import { Dao, EntityEvents, emptyReader, lazyReader, type EntityReader } from '../dao/index.js';
import { errorMessage } from '../errors.js';
import { getService } from '../gateway/context.js';
import { registerStartHook } from '../gateway/hooks.js';
import { registerAllEntityEndpoints } from './entities/index.js';

/** Before the snapshot (which subscribes to events) and the proxy. */
export const ENTITY_HOOK_ORDER = 100;

registerStartHook('admin-entities', ENTITY_HOOK_ORDER, (ctx, router) => {
  const events = new EntityEvents((err, change) =>
    ctx.log.error({ err: errorMessage(err), entity: change.entity, op: change.op, id: change.id }, 'entity change listener failed'));
  const reader = ctx.datastore ? undefined : lazyReader(() => getService<EntityReader>(ctx, 'entityReader') ?? emptyReader);
  const dao = new Dao({ datastore: ctx.datastore, reader, events });
  ctx.services.set('dao', dao);
  ctx.services.set('entityEvents', events);
  registerAllEntityEndpoints(router);
});
