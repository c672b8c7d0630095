export { assertStartable, bootstrap, finish, listExitCode, reset, schemaState, up, LOCK_BUSY_MESSAGE } from './runner.js';
export type { SchemaState, SubsystemState } from './runner.js';
export { registerMigrations, allMigrationSets } from './registry.js';
export type { Migration, MigrationSet } from './types.js';
