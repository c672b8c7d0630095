import { registerBundledPlugin } from '../registry.js';
import { corsHandler } from './handler.js';
import { corsSchema } from './schema.js';

registerBundledPlugin({ name: 'cors', schema: corsSchema, handler: corsHandler });
