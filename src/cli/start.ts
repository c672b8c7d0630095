import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startNode } from '../gateway/node.js';
import { createLogger } from '../log.js';
import { preparePrefix, prefixPaths, runningPid } from '../prefix.js';
import { validateBeforeStart } from '../gateway/preflight.js';
import type { CommonFlags } from './context.js';
import { CliExit, err, loadCliConfig, out } from './context.js';
import '../gateway/modules.js';

export interface StartFlags extends CommonFlags {
  foreground?: boolean;
  runMigrations?: boolean;
}

const BIN = fileURLToPath(new URL('../../bin/silverback.js', import.meta.url));

export async function startCommand(flags: StartFlags, argv: string[]): Promise<number> {
  const config = loadCliConfig(flags, {}, !flags.foreground && process.env.SILVERBACK_DETACHED_CHILD === '1');
  const pid = runningPid(config.prefix);
  if (pid && pid !== process.pid) {
    err(`Error: Kong is already running in ${config.prefix}`);
    return 1;
  }
  await validateBeforeStart(config, process.env.SILVERBACK_DETACHED_CHILD === '1' ? undefined : (w) => err(`[warn] ${w}`));
  if (flags.foreground) return runForeground(flags);
  return startDetached(config.prefix, argv);
}

async function runForeground(flags: StartFlags): Promise<number> {
  const config = loadCliConfig(flags, {}, true);
  const log = createLogger({ level: config.log_level, prefix: config.prefix });
  const node = await startNode(config, log, { runMigrations: flags.runMigrations, pidFile: true });
  out('Silverback started');
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'stopping');
      node.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGQUIT', () => shutdown('SIGQUIT'));
  });
  log.flush?.();
  return 0;
}

/** Detaches a foreground node and returns once it serves (pid file written) or has failed. */
async function startDetached(prefix: string, argv: string[]): Promise<number> {
  preparePrefix(prefix);
  const paths = prefixPaths(prefix);
  const logFd = openSync(paths.stdoutLog, 'a');
  const startOffset = existsSync(paths.stdoutLog) ? readFileSync(paths.stdoutLog).length : 0;
  const args = [BIN, 'start', '--foreground', ...argv.filter((a) => a !== '--foreground')];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, SILVERBACK_DETACHED_CHILD: '1' },
  });
  closeSync(logFd);
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? 1;
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited !== null) {
      const output = readFileSync(paths.stdoutLog, 'utf8').slice(startOffset);
      const lines = output.split('\n').filter((l) => l.startsWith('Error:') || l.startsWith('  hint:'));
      for (const line of lines.length ? lines : ['Error: the gateway exited during start; see ' + paths.stdoutLog]) err(line);
      return 1;
    }
    if (runningPid(prefix) === child.pid) {
      child.unref();
      out('Silverback started');
      return 0;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGTERM');
  err(`Error: the gateway did not start within 120 s; see ${paths.stdoutLog}`);
  throw new CliExit(1);
}
