/** `GET/POST /{entities}` and `GET/POST /{parents}/{p}/{entities}` for any entity. */
import type { Entity, ForeignKey } from '../../schema/index.js';
import { getEntity } from '../../schema/index.js';
import { entityArgs, readRequestBody } from '../body.js';
import type { AdminRouter } from '../router.js';
import { findByPath, notFoundFor } from './lookups.js';
import { pageBody, pageRequest, escapeUri } from './query.js';
import { daoOf, guarded } from './respond.js';
import { customCollectionGet } from './custom.js';

export function registerCollection(router: AdminRouter, entity: Entity): void {
  const path = `/${entity.adminPath}`;
  router.on('GET', path, guarded(async (req, ctx) => {
    const custom = await customCollectionGet(entity, req, ctx);
    if (custom) return custom;
    const { options, carry } = pageRequest(req.query, { tags: true, entity });
    const page = await daoOf(ctx).page(entity, options);
    return { status: 200, body: pageBody(page.data, page.offset, path, carry) };
  }));
  router.on('POST', path, guarded(async (req, ctx) => {
    const body = await readRequestBody(req);
    return { status: 201, body: await daoOf(ctx).insert(entity, entityArgs(entity, body)) };
  }));
}

export function registerNestedCollection(router: AdminRouter, entity: Entity, fk: ForeignKey): void {
  const parent = getEntity(fk.reference);
  const path = `/${parent.adminPath}/:parent/${entity.adminNestedPath}`;
  router.on('GET', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const found = await findByPath(dao, parent, req.params.parent);
    if (!found) return notFoundFor(parent, req.params.parent);
    // Nested lists ignore `tags` and do not carry `size` on (Kong's spec pins both).
    const { options } = pageRequest(req.query, { tags: false });
    const page = await dao.selectByForeign(entity, fk.field, String(found.id), options);
    return { status: 200, body: pageBody(page.data, page.offset, `/${parent.adminPath}/${escapeUri(req.params.parent)}/${entity.adminNestedPath}`, '') };
  }));
  router.on('POST', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const found = await findByPath(dao, parent, req.params.parent);
    if (!found) return notFoundFor(parent, req.params.parent);
    const body = await readRequestBody(req);
    const args = { ...entityArgs(entity, body), [fk.field]: { id: found.id } };
    return { status: 201, body: await dao.insert(entity, args) };
  }));
}
