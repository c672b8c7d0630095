/**
 * The generated Admin API of every registered entity (Kong's kong/api/endpoints.lua): the
 * collection, the entity, each foreign field, and the nested forms under each parent.
 */
import { listEntities, type Entity } from '../../schema/index.js';
import type { AdminRouter } from '../router.js';
import { registerCollection, registerNestedCollection } from './collection.js';
import { disableKongDisabledEndpoints } from './custom.js';
import { registerEntity, registerNestedEntity } from './entity.js';
import { registerForeignEntity } from './foreign.js';
import { registerInfoEndpoints } from './info.js';

/** Endpoints of one entity; call again for entities registered later (plugin-owned ones). */
export function registerEntityEndpoints(router: AdminRouter, entity: Entity): void {
  registerCollection(router, entity);
  registerEntity(router, entity);
  for (const fk of entity.foreignKeys) {
    registerForeignEntity(router, entity, fk);
    registerNestedCollection(router, entity, fk);
    registerNestedEntity(router, entity, fk);
  }
}

export function registerAllEntityEndpoints(router: AdminRouter): void {
  registerInfoEndpoints(router);
  for (const entity of listEntities()) registerEntityEndpoints(router, entity);
  disableKongDisabledEndpoints(router);
}
