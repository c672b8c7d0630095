import { registerBundledPlugin } from '../registry.js';
import { rateLimitingHandler } from './handler.js';
import { rateLimitingMigrations } from './migrations.js';
import { rateLimitingSchema } from './schema.js';

registerBundledPlugin({ name: 'rate-limiting', schema: rateLimitingSchema, handler: rateLimitingHandler, migrations: rateLimitingMigrations });
