import { registerBundledPlugin } from '../registry.js';
import { requestSizeLimitingHandler } from './handler.js';
import { requestSizeLimitingSchema } from './schema.js';

registerBundledPlugin({ name: 'request-size-limiting', schema: requestSizeLimitingSchema, handler: requestSizeLimitingHandler });
