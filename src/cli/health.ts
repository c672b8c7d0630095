import { existsSync } from 'node:fs';
import { runningPid } from '../prefix.js';
import type { CommonFlags } from './context.js';
import { err, loadCliConfig, out } from './context.js';

export async function healthCommand(flags: CommonFlags): Promise<number> {
  const config = loadCliConfig(flags, {}, true);
  if (!existsSync(config.prefix)) {
    err(`Error: no such prefix: ${config.prefix}`);
    return 1;
  }
  const pid = runningPid(config.prefix);
  if (!pid) {
    out('silverback.......not running');
    err(`Error: Kong is not running at ${config.prefix}`);
    return 1;
  }
  out('silverback.......running');
  out('');
  out(`Kong is healthy at ${config.prefix}`);
  return 0;
}
