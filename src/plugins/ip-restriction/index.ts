import { registerBundledPlugin } from '../registry.js';
import { ipRestrictionHandler } from './handler.js';
import { ipRestrictionSchema } from './schema.js';

registerBundledPlugin({ name: 'ip-restriction', schema: ipRestrictionSchema, handler: ipRestrictionHandler });
