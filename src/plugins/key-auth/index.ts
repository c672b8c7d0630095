import { registerBundledPlugin } from '../registry.js';
import { keyAuthHandler } from './handler.js';
import { keyAuthMigrations } from './migrations.js';
import { keyAuthSchema } from './schema.js';

registerBundledPlugin({ name: 'key-auth', schema: keyAuthSchema, handler: keyAuthHandler, migrations: keyAuthMigrations });
