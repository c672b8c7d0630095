/** `GET/PUT/PATCH/DELETE /{entities}/{id or endpoint key}`, top level and under a parent. */
import { randomUUID } from 'node:crypto';
import type { Entity, ForeignKey } from '../../schema/index.js';
import { getEntity, isUuid } from '../../schema/index.js';
import type { Dao, EntityKey, Json } from '../../dao/index.js';
import { entityArgs, readRequestBody, type Args } from '../body.js';
import type { AdminRequest, AdminRouter } from '../router.js';
import { certificateArgs, certificatePut, isCertificates } from './certificates.js';
import { belongsTo, cacheKeyPeer, childKey, findByPath, keyForPath, notFoundFor } from './lookups.js';
import { daoOf, guarded, notFound } from './respond.js';

/** PATCH with a form body that does not repeat the subschema key (plugins' `name`) coerces with the stored one. */
async function patchArgs(dao: Dao, entity: Entity, key: EntityKey, req: AdminRequest): Promise<Args> {
  const body = await readRequestBody(req);
  const needsHint = (body.kind === 'form' || body.kind === 'multipart') && entity.subschemaKey && body.args[entity.subschemaKey] === undefined;
  const hint = needsHint ? ((await dao.select(entity, key)) ?? undefined) : undefined;
  const args = entityArgs(entity, body, hint);
  return isCertificates(entity) ? certificateArgs(args) : args;
}

export function registerEntity(router: AdminRouter, entity: Entity): void {
  const path = `/${entity.adminPath}/:id`;
  router.on('GET', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const key = await keyForPath(dao, entity, req.params.id);
    if (!key) return notFoundFor(entity, req.params.id);
    const row = await dao.selectWithExtras(entity, key);
    return row ? { status: 200, body: row } : notFound();
  }));
  router.on('PATCH', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const key = await keyForPath(dao, entity, req.params.id);
    if (!key) return notFoundFor(entity, req.params.id);
    return { status: 200, body: await dao.update(entity, key, await patchArgs(dao, entity, key, req)) };
  }));
  router.on('PUT', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const args = entityArgs(entity, await readRequestBody(req));
    if (isCertificates(entity)) {
      const target = await certificatePut(dao, entity, req.params.id, args);
      return { status: 200, body: await dao.upsert(entity, target.key, target.args) };
    }
    const key = await keyForPath(dao, entity, req.params.id);
    return { status: 200, body: await dao.upsert(entity, key!, args) };
  }));
  router.on('DELETE', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const key = await keyForPath(dao, entity, req.params.id);
    if (!key) return notFoundFor(entity, req.params.id);
    await dao.delete(entity, key);
    return { status: 204 };
  }));
}

/** `/services/{s}/routes/{r}`: 404 unless the child belongs to that parent; writes force the parent. */
export function registerNestedEntity(router: AdminRouter, entity: Entity, fk: ForeignKey): void {
  const parent = getEntity(fk.reference);
  const path = `/${parent.adminPath}/:parent/${entity.adminNestedPath}/:id`;
  const scoped = async (dao: Dao, req: AdminRequest): Promise<{ parentRow: Json; key: EntityKey; child: Json | null } | null> => {
    const parentRow = await findByPath(dao, parent, req.params.parent);
    if (!parentRow) return null;
    const key = childKey(entity, fk, req.params.id, String(parentRow.id));
    return { parentRow, key, child: await dao.select(entity, key) };
  };
  const missingParent = (req: AdminRequest) => notFoundFor(parent, req.params.parent);
  router.on('GET', path, guarded(async (req, ctx) => {
    const found = await scoped(daoOf(ctx), req);
    if (!found) return missingParent(req);
    return found.child && belongsTo(found.child, fk, String(found.parentRow.id)) ? { status: 200, body: found.child } : notFound();
  }));
  router.on('PATCH', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const found = await scoped(dao, req);
    if (!found) return missingParent(req);
    if (!found.child || !belongsTo(found.child, fk, String(found.parentRow.id))) return notFound();
    const args = await patchArgs(dao, entity, found.key, req);
    if (args[fk.field] === undefined) args[fk.field] = { id: found.parentRow.id };
    return { status: 200, body: await dao.update(entity, found.key, args) };
  }));
  router.on('PUT', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const found = await scoped(dao, req);
    if (!found) return missingParent(req);
    const body = await readRequestBody(req);
    const args = { ...entityArgs(entity, body), [fk.field]: { id: found.parentRow.id } };
    const peer = isUuid(req.params.id) ? undefined : cacheKeyPeer(entity, fk);
    if (peer) {
      // Kong's acl route: the row found by (parent, name) or a new id; the body's value wins over the URL's.
      if (args[peer] === undefined) args[peer] = req.params.id;
      const key = { id: found.child ? String(found.child.id) : randomUUID() };
      return { status: 200, body: await dao.upsert(entity, key, args) };
    }
    return { status: 200, body: await dao.upsert(entity, found.key, args) };
  }));
  router.on('DELETE', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const found = await scoped(dao, req);
    if (!found) return missingParent(req);
    if (!found.child || !belongsTo(found.child, fk, String(found.parentRow.id))) return notFound();
    await dao.delete(entity, found.key);
    return { status: 204 };
  }));
}
