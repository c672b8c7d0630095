import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startNode } from '../gateway/node.js';
import { createLogger } from '../log.js';
import { preparePrefix, prefixPaths, runningPid } from '../prefix.js';
import { validateBeforeStart } from '../gateway/preflight.js';
import type { CommonFlags } from './context.js';
import { CliExit, err, loadCliConfig, out } from './context.js';
import '../gateway/modules.js';
import { resolveWorkerCount } from '../cluster/worker-count.js';
import { findSnapshotManager } from '../cluster/snapshot-lookup.js';
import type { WorkerPool } from '../cluster/worker-pool.js';
import { getService } from '../gateway/context.js';
import type { RunningNode } from '../gateway/node.js';
import type { Logger } from '../log.js';
import { errorMessage } from '../errors.js';
import { reloadStatusFile } from './reload.js';

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
  // Workers only serve the proxy: with proxy_listen = off one process does everything.
  const workers = config.proxy_listen.length === 0 ? 1 : resolveWorkerCount(config.nginx_worker_processes as string);
  const node = await startNode(config, log, { runMigrations: flags.runMigrations, pidFile: true, workers });
  out('Silverback started');
  process.on('SIGHUP', () => void reload(node, flags, log));
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

let reloadSeq = 0;
let reloading: Promise<void> = Promise.resolve();

/**
 * SIGHUP (`silverback reload`): re-read kong.conf and replace the proxy workers, new before
 * old. A single-process node has no workers to replace: it refreshes its snapshot only, and
 * settings that need new listeners take a restart.
 */
function reload(node: RunningNode, flags: StartFlags, log: Logger): Promise<void> {
  reloading = reloading.then(async () => {
    const seq = ++reloadSeq;
    const status = (line: string) => writeFileSync(reloadStatusFile(node.ctx.config.prefix), `${process.pid}.${seq} ${line}\n`);
    try {
      const config = loadCliConfig(flags, {}, true);
      const pool = getService<WorkerPool>(node.ctx, 'workerPool');
      if (pool) await pool.reload(config, resolveWorkerCount(config.nginx_worker_processes as string));
      else {
        log.warn('reload: this node runs one process (nginx_worker_processes = 1); configuration refreshed, restart to apply changed settings');
        await findSnapshotManager(node.ctx)?.refresh();
      }
      status('ok');
    } catch (e) {
      log.error({ err: errorMessage(e) }, 'reload failed; the running workers keep serving');
      status(`error ${errorMessage(e).replace(/\s+/g, ' ')}`);
    }
  });
  return reloading;
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
