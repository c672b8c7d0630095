/** file-log (Kong's kong/plugins/file-log/handler.lua, priority 9): one JSON line per request. */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Pdk, PluginHandler } from '../types.js';
import { writerFor } from './node-writers.js';
import type { FileLogConfig } from './schema.js';

function log(kong: Pdk, conf: FileLogConfig): void {
  const line = `${JSON.stringify(kong.log.serialize())}\n`;
  const writer = writerFor(kong.nodeId, String(kong.configuration.prefix ?? process.cwd()));
  try {
    writer.write(conf.path, conf.reopen, line);
  } catch (err) {
    kong.log.err(`failed to open the file: ${(err as Error).message}`);
  }
}

export const fileLogHandler: PluginHandler<FileLogConfig> = {
  name: 'file-log',
  priority: 9,
  version: KONG_COMPAT_VERSION,
  phases: { log },
};
