/**
 * targets (kong/db/schema/entities/targets.lua + kong/db/dao/targets.lua). The DAO stores the
 * target normalised to `host:port` with port 8000 by default, IPv6 expanded and bracketed.
 */
import type { EntityDef } from '../types.js';
import * as t from '../typedefs.js';
import { formatHost, normalizeIp } from '../support/ip.js';

export const DEFAULT_TARGET_PORT = 8000;

function validateTarget(target: string): string | undefined {
  return normalizeIp(target).ok ? undefined : `Invalid target ('${target}'); not a valid hostname or ip address`;
}

/** `10.0.0.1` → `10.0.0.1:8000`, `::1` → `[0000:…:0001]:8000`; unparsable values are left for the validator. */
export function normalizeTarget(target: string): string {
  const r = normalizeIp(target);
  return r.ok ? formatHost(r.value, DEFAULT_TARGET_PORT) : target;
}

export const targets: EntityDef = {
  name: 'targets',
  primaryKey: ['id'],
  cacheKey: ['upstream', 'target'],
  endpointKey: 'target',
  workspaceable: true,
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampMs(),
    updated_at: t.autoTimestampMs(),
    upstream: { type: 'foreign', reference: 'upstreams', required: true, on_delete: 'cascade' },
    target: { type: 'string', required: true, custom_validator: validateTarget },
    weight: { type: 'integer', default: 100, between: [0, 65535] },
    tags: t.tags(),
  },
  normalizeInput: (input) =>
    typeof input.target === 'string' ? { ...input, target: normalizeTarget(input.target) } : input,
};
