import { registerBundledPlugin } from '../registry.js';
import { correlationIdHandler } from './handler.js';
import { correlationIdSchema } from './schema.js';

registerBundledPlugin({ name: 'correlation-id', schema: correlationIdSchema, handler: correlationIdHandler });
