import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid } from '../prefix.js';
import type { CommonFlags } from './context.js';
import { err, loadCliConfig, out } from './context.js';
import { addCommand } from './extra-commands.js';

/** Written by the running node after each reload: `<sequence> ok` or `<sequence> error <line>`. */
export function reloadStatusFile(prefix: string): string {
  return join(prefix, 'pids', 'reload');
}

function readStatus(prefix: string): string {
  const file = reloadStatusFile(prefix);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
}

/**
 * `silverback reload`: checks kong.conf, then asks the node in the prefix (SIGHUP, as Kong
 * sends nginx) to re-read it and replace its proxy workers: new ones start and serve before
 * the old ones drain their in-flight requests. Waits for the node's answer.
 */
export async function reloadCommand(flags: CommonFlags): Promise<number> {
  // Validates the configuration first, so a broken kong.conf never reaches the running node.
  const config = loadCliConfig(flags);
  const pid = runningPid(config.prefix);
  if (!pid) {
    err(`Error: Kong is not running at ${config.prefix}`);
    return 1;
  }
  const before = readStatus(config.prefix);
  process.kill(pid, 'SIGHUP');
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const now = readStatus(config.prefix);
    if (now && now !== before) {
      const [, state, ...rest] = now.split(' ');
      if (state === 'ok') {
        out('Silverback reloaded');
        return 0;
      }
      err(`Error: reload failed: ${rest.join(' ')}`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  err(`Error: the node (pid ${pid}) did not finish reloading within 120 s; see ${join(config.prefix, 'logs')}`);
  return 1;
}

addCommand((program, run, confOptions) => {
  confOptions(program.command('reload').description('re-read kong.conf and replace the proxy workers without dropping requests')).action((opts) =>
    run(() => reloadCommand(opts)),
  );
});
