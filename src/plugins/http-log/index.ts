import { registerStartHook } from '../../gateway/hooks.js';
import { registerBundledPlugin } from '../registry.js';
import { httpLogHandler } from './handler.js';
import { closeNodeQueues, openNodeQueues } from './node-queues.js';
import { httpLogSchema } from './schema.js';

registerBundledPlugin({ name: 'http-log', schema: httpLogSchema, handler: httpLogHandler });

registerStartHook('plugin:http-log', 500, (ctx) => {
  openNodeQueues(ctx.nodeId, ctx.log);
  return { stop: () => closeNodeQueues(ctx.nodeId) };
});
