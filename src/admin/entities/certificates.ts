/**
 * What Kong's certificates routes do to a body before the generic endpoint runs
 * (kong/api/routes/certificates.lua): `snis` given as one string becomes a list, and a PUT
 * addressed by an SNI name keeps serving that name (a new certificate when no SNI has it).
 */
import { randomUUID } from 'node:crypto';
import { isUuid, type Entity } from '../../schema/index.js';
import type { Dao, EntityKey } from '../../dao/index.js';
import type { Args } from '../body.js';
import { keyForPath } from './lookups.js';

export function isCertificates(entity: Entity): boolean {
  return entity.name === 'certificates';
}

/** PATCH and PUT accept `"snis": "a.test"` for `["a.test"]`. */
export function certificateArgs(args: Args): Args {
  return typeof args.snis === 'string' ? { ...args, snis: [args.snis] } : args;
}

/**
 * PUT /certificates/{id or SNI name}. By name: the certificate serving it, or a new id; the
 * name is appended to `snis` when the body lists others. Kong sends no `snis` at all as null
 * (every SNI of the certificate removed, the URL's name included), and so do we.
 */
export async function certificatePut(dao: Dao, entity: Entity, raw: string, args: Args): Promise<{ key: EntityKey; args: Args }> {
  const withList = certificateArgs(args);
  if (isUuid(raw)) return { key: { id: raw }, args: withList };
  const key = (await keyForPath(dao, entity, raw)) ?? { id: randomUUID() };
  const snis = withList.snis;
  if (Array.isArray(snis) && !snis.includes(raw)) return { key, args: { ...withList, snis: [...snis, raw] } };
  return { key, args: withList };
}
