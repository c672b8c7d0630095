/**
 * The few places where Kong's generic endpoints have entity-specific behaviour
 * (kong/api/routes/*.lua): consumers' `?custom_id=` lookup, and endpoints Kong disables.
 */
import type { GatewayContext } from '../../gateway/context.js';
import type { Entity } from '../../schema/index.js';
import type { AdminRequest, AdminResponse, AdminRouter } from '../router.js';
import { daoOf, guarded, notFound } from './respond.js';

/** `GET /consumers?custom_id=X` answers a one-element (or empty) list instead of a page. */
export async function customCollectionGet(entity: Entity, req: AdminRequest, ctx: GatewayContext): Promise<AdminResponse | undefined> {
  if (entity.name !== 'consumers' || !req.query.has('custom_id')) return undefined;
  const customId = req.query.get('custom_id') ?? '';
  if (customId === '') return { status: 400, body: { message: 'custom_id must be an unempty string' } };
  const row = await daoOf(ctx).select(entity, { field: 'custom_id', value: customId });
  return { status: 200, body: { data: row ? [row] : [], next: null } };
}

/** Kong turns these generated endpoints off (kong/api/routes/snis.lua, upstreams.lua). */
const DISABLED: readonly string[] = ['/snis/:id/certificate', '/targets', '/targets/:id', '/targets/:id/upstream'];

export function disableKongDisabledEndpoints(router: AdminRouter): void {
  for (const path of DISABLED) router.on(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], path, guarded(async () => notFound()));
}
