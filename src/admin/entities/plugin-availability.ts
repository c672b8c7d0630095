/**
 * Kong knows only the plugins its `plugins` setting loads: any other name has no schema there,
 * so writing such a plugin fails validation with `plugin '<name>' not enabled; ...`. Here every
 * bundled plugin's schema is registered whatever the setting, so the DAO is given this rule.
 */
import type { Dao } from '../../dao/index.js';
import type { GatewayContext } from '../../gateway/context.js';
import { getService } from '../../gateway/context.js';
import { schemaViolation, type Entity } from '../../schema/index.js';
import type { AvailablePlugins } from '../info.js';

export function notEnabledMessage(name: string): string {
  return `plugin '${name}' not enabled; add it to the 'plugins' configuration property`;
}

/** Throws Kong's schema violation when `candidate` is a plugin this node does not load. */
export function assertPluginEnabled(ctx: GatewayContext, entity: Entity, candidate: Record<string, unknown>): void {
  if (entity.name !== 'plugins' || typeof candidate.name !== 'string') return;
  // The registry is created by the proxy's start hook; a node without it has no setting to apply.
  const registry = getService<AvailablePlugins>(ctx, 'plugins');
  if (!registry || registry.available().includes(candidate.name)) return;
  throw schemaViolation({ name: notEnabledMessage(candidate.name) });
}

const guardedDaos = new WeakSet<Dao>();

/** Installs the rule once per DAO; the registry is looked up at each write, as it starts later. */
export function guardPluginWrites(dao: Dao, ctx: GatewayContext): void {
  if (guardedDaos.has(dao)) return;
  guardedDaos.add(dao);
  dao.addWriteCheck((entity, candidate) => assertPluginEnabled(ctx, entity, candidate));
}
