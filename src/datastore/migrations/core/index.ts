import type { MigrationSet } from '../types.js';
import { base } from './000_base.js';

/** The core migrations, in order. Entity tables are added as later migrations. */
export const coreMigrations: MigrationSet = {
  subsystem: 'core',
  migrations: [base],
};
