import { existsSync } from 'node:fs';
import { runningPid } from '../prefix.js';
import type { CommonFlags } from './context.js';
import { err, loadCliConfig, out } from './context.js';

export async function stopCommand(flags: CommonFlags): Promise<number> {
  const config = loadCliConfig(flags, {}, true);
  if (!existsSync(config.prefix)) {
    err(`Error: no such prefix: ${config.prefix}`);
    return 1;
  }
  const pid = runningPid(config.prefix);
  if (!pid) {
    err(`Error: Kong is not running at ${config.prefix}`);
    return 1;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (runningPid(config.prefix) !== pid) {
      out('Silverback stopped');
      return 0;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(pid, 'SIGKILL');
  out('Silverback stopped (killed after 30 s)');
  return 0;
}
