import { addCommand } from '../cli/extra-commands.js';
import { registerCertsCommand } from '../cli/certs.js';
import { registerDoctorCommand } from '../cli/doctor.js';
import { registerStartHook } from '../gateway/hooks.js';
import type { GatewayContext } from '../gateway/context.js';
import type { LinkPool } from '../datastore/postgres/link-pool.js';
import { expiryWarnings, watchTlsMaterial, type RotationLog, type TlsRotation } from '../datastore/postgres/rotation.js';
import { observeServerChain } from './probe.js';

/**
 * Joins the composition root: the `certs` and `doctor` commands, and the start hook that
 * watches the PostgreSQL link's certificate files and warns about certificates close to expiry.
 */
addCommand((program, run, confOptions) => {
  registerCertsCommand(program, run);
  registerDoctorCommand(program, run, confOptions);
});

/** Where the running node keeps its rotation watchers (tests and the Admin API can read them). */
export const ROTATION_SERVICE = 'postgres-tls-rotation';

function linksOf(ctx: GatewayContext): LinkPool[] {
  const store = ctx.datastore as (GatewayContext['datastore'] & { links?: { primary: LinkPool; replica: LinkPool | null } }) | null;
  if (!store || store.kind !== 'postgres' || !store.links) return [];
  return [store.links.primary, store.links.replica].filter((l): l is LinkPool => l !== null && l.link.ssl);
}

export function startTlsRotation(ctx: GatewayContext): { stop: () => Promise<void> } | void {
  const pools = linksOf(ctx);
  if (pools.length === 0) return;
  const log: RotationLog = {
    info: (m) => ctx.log.info(m),
    warn: (m) => ctx.log.warn(m),
    error: (m) => ctx.log.error(m),
  };
  const rotations: TlsRotation[] = pools.map((pool) => watchTlsMaterial({ link: pool.link, source: pool.material, pool, log }));
  ctx.services.set(ROTATION_SERVICE, rotations);
  for (const pool of pools) {
    const material = pool.material.current();
    for (const line of expiryWarnings(material, pool.link)) log.warn(line);
    // The server's chain as a client sees it: one extra handshake, off the start path.
    if (material) {
      void observeServerChain(pool.link, material).then((chain) => {
        if (!chain) return;
        for (const line of expiryWarnings(null, pool.link, chain)) log.warn(line);
      });
    }
  }
  return {
    stop: async () => {
      for (const r of rotations) r.close();
    },
  };
}

registerStartHook(ROTATION_SERVICE, 50, startTlsRotation);
