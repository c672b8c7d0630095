import { registerBundledPlugin } from '../registry.js';
import { responseTransformerHandler } from './handler.js';
import { responseTransformerSchema } from './schema.js';

registerBundledPlugin({ name: 'response-transformer', schema: responseTransformerSchema, handler: responseTransformerHandler });
