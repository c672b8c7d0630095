/** A node started through the CLI (`silverback start`, detached), with its own prefix and ports. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';

export interface CliNode {
  env: Record<string, string>;
  prefix: string;
}

/** Starts a node; `settings` are KONG_* variables (listeners, database, worker count). */
export async function startCliNode(name: string, settings: Record<string, string>): Promise<CliNode> {
  const prefix = mkdtempSync(join(tmpdir(), `silverback-${name}-`));
  const env = { KONG_PREFIX: prefix, KONG_LOG_LEVEL: 'info', ...settings };
  const r = await runCli(['start'], env);
  if (r.code !== 0) {
    const log = existsSync(join(prefix, 'logs', 'silverback.out')) ? readFileSync(join(prefix, 'logs', 'silverback.out'), 'utf8') : '';
    rmSync(prefix, { recursive: true, force: true });
    throw new Error(`start ${name} failed: ${r.stderr}\n${log.slice(-3000)}`);
  }
  return { env, prefix };
}

export function workerPids(n: CliNode): number[] {
  const file = join(n.prefix, 'pids', 'workers');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the node, kills any worker left behind, removes the prefix. */
export async function stopCliNode(n: CliNode | undefined): Promise<void> {
  if (!n) return;
  const pids = workerPids(n);
  await runCli(['stop'], n.env).catch(() => undefined);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(n.prefix, { recursive: true, force: true });
}

/** GET over TLS accepting the node's self-signed default certificate; returns status, body and the certificate's subject CN. */
export function httpsGet(port: number, path: string): Promise<{ status: number; body: string; subjectCn: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, agent: false }, (res) => {
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, subjectCn: cert?.subject?.CN as string | undefined }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The serving worker's pid, read from a correlation-id `tracker` id (addr-port-pid-…). */
export function trackerPid(id: string | null | undefined): number | undefined {
  if (!id) return undefined;
  const parts = id.split('-');
  const pid = Number(parts[2]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
