import { execFileSync, spawn, type SpawnOptions } from 'node:child_process';

/**
 * PostgreSQL refuses to run as root, and tests run as root: its binaries run as an unprivileged
 * OS user instead. `postgres` (from the distro package) if present, else a system user we create.
 */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
  /** False when the tests themselves run unprivileged: then commands run as ourselves. */
  switchUser: boolean;
}

const CREATED_USER = 'silverback-pg';
let cached: ServerUser | undefined;

function lookup(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

export function ensureServerUser(): ServerUser {
  if (cached) return cached;
  if (process.getuid?.() !== 0) {
    const name = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    cached = { name, uid: process.getuid!(), gid: process.getgid!(), switchUser: false };
    return cached;
  }
  let name = 'postgres';
  let ids = lookup(name);
  if (!ids) {
    name = CREATED_USER;
    ids = lookup(name);
    if (!ids) {
      try {
        execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
      } catch (err) {
        // Another test worker may have created it at the same moment.
        if (!lookup(name)) throw new Error(`cannot create OS user ${name} for PostgreSQL: ${(err as Error).message}`);
      }
      ids = lookup(name);
    }
  }
  if (!ids) throw new Error(`OS user ${name} for PostgreSQL not found after creation`);
  cached = { name, ...ids, switchUser: true };
  return cached;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command as the server user and collects its output; never rejects on a non-zero exit. */
export function runAsServerUser(
  user: ServerUser,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<RunResult> {
  const [file, argv] = user.switchUser ? ['runuser', ['-u', user.name, '--', command, ...args]] : [command, args];
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  };
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits before reading its input closes the pipe: not an error here.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input ?? '');
  });
}
