import { registerBundledPlugin } from '../registry.js';
import { requestTransformerHandler } from './handler.js';
import { requestTransformerSchema } from './schema.js';

registerBundledPlugin({ name: 'request-transformer', schema: requestTransformerSchema, handler: requestTransformerHandler });
