/**
 * Bundled plugins register here (from their folder's index.ts); the node asks which of them
 * the `plugins` setting makes available. The core knows no plugin by name.
 */
import type { Config } from '../config/index.js';
import type { Datastore } from '../datastore/index.js';
import { registerMigrations } from '../datastore/migrations/registry.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { AvailablePlugins } from '../admin/info.js';
import { getPluginSchema, registerPluginSchema } from '../schema/registry.js';
import type { BundledPlugin, PluginHandler } from './types.js';

const bundled = new Map<string, BundledPlugin>();

/** Registers a plugin's schema, owned entities and migrations, and remembers its handler. */
export function registerBundledPlugin(plugin: BundledPlugin): void {
  if (plugin.handler.name !== plugin.name) {
    throw new GatewayError(ErrorCode.INTERNAL, `plugin '${plugin.name}': handler.name is '${plugin.handler.name}'; they must be equal`);
  }
  if (bundled.has(plugin.name)) return;
  bundled.set(plugin.name, plugin);
  const daos = [...(plugin.schema.daos ?? []), ...(plugin.entities ?? [])];
  if (!getPluginSchema(plugin.name)) registerPluginSchema(plugin.name, { ...plugin.schema, daos: dedupeByName(daos) });
  if (plugin.migrations?.length) registerMigrations({ subsystem: plugin.name, migrations: plugin.migrations });
}

function dedupeByName<T extends { name: string }>(list: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of list) seen.set(item.name, item);
  return [...seen.values()];
}

export function bundledPluginNames(): string[] {
  return [...bundled.keys()].sort();
}

export function getBundledPlugin(name: string): BundledPlugin | undefined {
  return bundled.get(name);
}

/** For tests: drops a plugin registered by a test file. */
export function unregisterBundledPlugin(name: string): void {
  bundled.delete(name);
}

/**
 * Resolves the `plugins` setting: `bundled` means every registered plugin, names add that
 * plugin, `off` means none. Unknown names are a configuration error naming the setting.
 */
export function resolveAvailable(setting: readonly string[]): string[] {
  const names = new Set<string>();
  for (const raw of setting) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry === 'off') return [];
    if (entry === 'bundled') {
      for (const n of bundled.keys()) names.add(n);
      continue;
    }
    if (!bundled.has(entry)) {
      throw new GatewayError(ErrorCode.CONFIG, `plugins: '${entry}' is not a bundled plugin`, {
        hint: `remove '${entry}' from the plugins setting, or use one of: bundled, ${bundledPluginNames().join(', ') || '(none)'}`,
      });
    }
    names.add(entry);
  }
  return [...names].sort();
}

export interface PluginRegistry extends AvailablePlugins {
  handler(name: string): PluginHandler | undefined;
  isAvailable(name: string): boolean;
}

/** The `plugins` service on the node context. */
export function createPluginRegistry(config: Pick<Config, 'plugins'>, datastore: Datastore | null, enabledFromSnapshot?: () => string[]): PluginRegistry {
  const available = resolveAvailable(config.plugins as readonly string[]);
  const availableSet = new Set(available);
  return {
    available: () => [...available],
    isAvailable: (name) => availableSet.has(name),
    handler: (name) => (availableSet.has(name) ? bundled.get(name)?.handler : undefined),
    async enabledInCluster() {
      if (enabledFromSnapshot) return enabledFromSnapshot();
      if (!datastore) return [];
      const res = await datastore.query<{ name: string }>('SELECT DISTINCT name FROM plugins WHERE enabled = true ORDER BY name');
      return res.rows.map((r) => r.name);
    },
  };
}
