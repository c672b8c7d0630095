/**
 * `/{entities}/{x}/{foreign field}` (e.g. `/routes/{r}/service`): the referenced entity.
 * PUT creates and associates one when the reference is null; DELETE is never allowed (405).
 */
import { randomUUID } from 'node:crypto';
import type { Entity, ForeignKey } from '../../schema/index.js';
import { getEntity } from '../../schema/index.js';
import type { Json } from '../../dao/index.js';
import { entityArgs, readRequestBody } from '../body.js';
import type { AdminRouter } from '../router.js';
import { findByPath } from './lookups.js';
import { daoOf, guarded, methodNotAllowed, notFound } from './respond.js';

function refOf(row: Json, fk: ForeignKey): string | null {
  const ref = row[fk.field] as Json | null | undefined;
  return ref && typeof ref.id === 'string' ? ref.id : null;
}

export function registerForeignEntity(router: AdminRouter, entity: Entity, fk: ForeignKey): void {
  const target = getEntity(fk.reference);
  const path = `/${entity.adminPath}/:id/${fk.field}`;
  router.on('GET', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const row = await findByPath(dao, entity, req.params.id);
    const ref = row && refOf(row, fk);
    if (!ref) return notFound();
    const found = await dao.select(target, { id: ref });
    return found ? { status: 200, body: found } : notFound();
  }));
  router.on('PATCH', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const row = await findByPath(dao, entity, req.params.id);
    const ref = row && refOf(row, fk);
    if (!ref) return notFound();
    const body = await readRequestBody(req);
    return { status: 200, body: await dao.update(target, { id: ref }, entityArgs(target, body)) };
  }));
  router.on('PUT', path, guarded(async (req, ctx) => {
    const dao = daoOf(ctx);
    const row = await findByPath(dao, entity, req.params.id);
    if (!row) return notFound();
    const ref = refOf(row, fk);
    const body = await readRequestBody(req);
    const saved = await dao.upsert(target, { id: ref ?? randomUUID() }, entityArgs(target, body));
    if (!ref) await dao.update(entity, { id: String(row.id) }, { [fk.field]: { id: saved.id } });
    return { status: 200, body: saved };
  }));
  router.on('DELETE', path, guarded(async (req, ctx) => {
    const row = await findByPath(daoOf(ctx), entity, req.params.id);
    return row && refOf(row, fk) ? methodNotAllowed() : notFound();
  }));
}
