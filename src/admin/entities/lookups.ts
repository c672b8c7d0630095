/** Finding the entities a URL names, with Kong's 404 rules for nested paths. */
import { getEntity, isUuid, type Entity, type ForeignKey } from '../../schema/index.js';
import { keyFromPath, type Dao, type EntityKey, type Json } from '../../dao/index.js';
import type { AdminResponse } from '../router.js';
import { notFound } from './respond.js';

/**
 * Kong's certificates routes accept one of the certificate's SNI names where the id goes
 * (kong/api/routes/certificates.lua). Returns the certificate key, or null when no SNI has
 * that name. Other entities: their own key.
 */
export async function keyForPath(dao: Dao, entity: Entity, raw: string): Promise<EntityKey | null> {
  if (entity.name !== 'certificates' || isUuid(raw)) return keyFromPath(entity, raw);
  const sni = await dao.select('snis', keyFromPath(getEntity('snis'), raw));
  const certificate = (sni?.certificate as Json | null | undefined)?.id;
  return typeof certificate === 'string' ? { id: certificate } : null;
}

export async function findByPath(dao: Dao, entity: Entity, raw: string): Promise<Json | null> {
  const key = await keyForPath(dao, entity, raw);
  return key ? dao.select(entity, key) : null;
}

/** The 404 for a URL segment that names nothing; Kong words it differently for an unknown SNI. */
export function notFoundFor(entity: Entity, raw: string): AdminResponse {
  return entity.name === 'certificates' && !isUuid(raw) ? { status: 404, body: { message: 'SNI not found' } } : notFound();
}

/**
 * The other field of a two-field cache key with the parent: `group` of acls, whose URLs
 * `/consumers/{c}/acls/{group}` Kong resolves by (consumer, group) (kong/plugins/acl/api.lua).
 */
export function cacheKeyPeer(child: Entity, fk: ForeignKey): string | undefined {
  if (child.endpointKey || child.cacheKey?.length !== 2 || !child.cacheKey.includes(fk.field)) return undefined;
  return child.cacheKey.find((f) => f !== fk.field);
}

/** The child key, scoped to the parent when it is an endpoint key (targets are unique per upstream). */
export function childKey(child: Entity, fk: ForeignKey, raw: string, parentId: string): EntityKey {
  const peer = isUuid(raw) ? undefined : cacheKeyPeer(child, fk);
  if (peer) return { field: peer, value: raw, within: { field: fk.field, id: parentId } };
  const key = keyFromPath(child, raw);
  return 'id' in key ? key : { ...key, within: { field: fk.field, id: parentId } };
}

export function belongsTo(child: Json, fk: ForeignKey, parentId: string): boolean {
  const ref = child[fk.field] as Json | null | undefined;
  return !!ref && ref.id === parentId;
}
