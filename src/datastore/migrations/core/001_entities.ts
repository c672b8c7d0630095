import { entityTablesMigration } from '../../../dao/table-migrations.js';
import { coreEntities } from '../../../schema/index.js';

/**
 * The tables of the core entities (services, routes, consumers, plugins, upstreams, targets,
 * certificates, snis, ca_certificates), generated from their schemas when the migration runs.
 */
export const entities = entityTablesMigration('001_entities', () => coreEntities.map((d) => d.name));
