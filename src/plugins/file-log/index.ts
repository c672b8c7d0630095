import { registerStartHook } from '../../gateway/hooks.js';
import { registerBundledPlugin } from '../registry.js';
import { fileLogHandler } from './handler.js';
import { closeWriter } from './node-writers.js';
import { fileLogSchema } from './schema.js';

registerBundledPlugin({ name: 'file-log', schema: fileLogSchema, handler: fileLogHandler });

registerStartHook('plugin:file-log', 500, (ctx) => ({ stop: async () => closeWriter(ctx.nodeId) }));
