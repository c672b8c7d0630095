import { registerBundledPlugin } from '../registry.js';
import { aclHandler } from './handler.js';
import { aclMigrations } from './migrations.js';
import { aclSchema } from './schema.js';

registerBundledPlugin({ name: 'acl', schema: aclSchema, handler: aclHandler, migrations: aclMigrations });
