import type { MigrationSet } from '../types.js';
import { base } from './000_base.js';
import { entities } from './001_entities.js';

/** The core migrations, in order. */
export const coreMigrations: MigrationSet = {
  subsystem: 'core',
  migrations: [base, entities],
};
