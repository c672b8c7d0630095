import { registerBundledPlugin } from '../registry.js';
import { basicAuthHandler } from './handler.js';
import { basicAuthMigrations } from './migrations.js';
import { basicAuthSchema } from './schema.js';

registerBundledPlugin({ name: 'basic-auth', schema: basicAuthSchema, handler: basicAuthHandler, migrations: basicAuthMigrations });
