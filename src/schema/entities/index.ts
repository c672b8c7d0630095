/** The core entities, in dependency order (a referenced entity comes before its referrers). */
import type { EntityDef } from '../types.js';
import { registerEntity, lookupEntity } from '../registry.js';
import { certificates } from './certificates.js';
import { caCertificates } from './ca-certificates.js';
import { snis } from './snis.js';
import { services } from './services.js';
import { routes } from './routes.js';
import { consumers } from './consumers.js';
import { upstreams } from './upstreams.js';
import { targets } from './targets.js';
import { plugins } from './plugins.js';

export const coreEntities: readonly EntityDef[] = [
  certificates,
  caCertificates,
  snis,
  services,
  routes,
  consumers,
  upstreams,
  targets,
  plugins,
];

/** Idempotent: registers every core entity that is not registered yet. */
export function registerCoreEntities(): void {
  for (const def of coreEntities) if (!lookupEntity(def.name)) registerEntity(def);
}
