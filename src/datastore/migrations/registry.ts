import type { MigrationSet } from './types.js';
import { coreMigrations } from './core/index.js';

const sets = new Map<string, MigrationSet>([[coreMigrations.subsystem, coreMigrations]]);

/** Plugins that own tables register their migrations here, before the runner is used. */
export function registerMigrations(set: MigrationSet): void {
  sets.set(set.subsystem, set);
}

/** `core` first, then the others by name, so every node orders them the same way. */
export function allMigrationSets(): MigrationSet[] {
  const others = [...sets.values()].filter((s) => s.subsystem !== 'core').sort((a, b) => a.subsystem.localeCompare(b.subsystem));
  return [sets.get('core')!, ...others];
}
