import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/index.js';
import { ErrorCode, GatewayError, errorMessage } from './errors.js';

/** The files a running node keeps in its prefix; `stop` and `health` find it through them. */
export const prefixPaths = (prefix: string) => ({
  pidFile: join(prefix, 'pids', 'silverback.pid'),
  nodeIdFile: join(prefix, 'node_id'),
  logsDir: join(prefix, 'logs'),
  sslDir: join(prefix, 'ssl'),
  dataDir: join(prefix, 'data'),
  snapshotFile: join(prefix, 'snapshot.json'),
  stdoutLog: join(prefix, 'logs', 'silverback.out'),
});

export function preparePrefix(prefix: string): void {
  const p = prefixPaths(prefix);
  try {
    for (const dir of [prefix, join(prefix, 'pids'), p.logsDir, p.sslDir]) mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new GatewayError(ErrorCode.CONFIG, `prefix: cannot create ${prefix}: ${errorMessage(err)}`, { hint: 'choose a writable prefix with -p or KONG_PREFIX' });
  }
}

/** The node id persists across restarts, as Kong keeps it in its prefix. */
export function nodeId(config: Config): string {
  if (config.node_id) return config.node_id;
  const file = prefixPaths(config.prefix).nodeIdFile;
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  }
  const id = randomUUID();
  writeFileSync(file, `${id}\n`);
  return id;
}

/** The pid of the node running in this prefix, if its process is alive. */
export function runningPid(prefix: string): number | null {
  const file = prefixPaths(prefix).pidFile;
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

export function writePidFile(prefix: string): void {
  writeFileSync(prefixPaths(prefix).pidFile, `${process.pid}\n`);
}

export function removePidFile(prefix: string): void {
  const file = prefixPaths(prefix).pidFile;
  try {
    if (existsSync(file) && Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file);
  } catch {
    // Best effort: a stale pid file is detected by runningPid.
  }
}
