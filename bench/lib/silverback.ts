import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitForPort } from './processes.js';

const BIN = fileURLToPath(new URL('../../bin/silverback.js', import.meta.url));

export interface SilverbackProcess {
  child: ChildProcess;
  proxyPort: number;
  adminUrl: string;
}

/** A Silverback node in its own process (`start --foreground`), embedded datastore, temp prefix. */
export async function startSilverback(opts: { workers?: number | 'auto'; env?: Record<string, string> } = {}): Promise<SilverbackProcess> {
  const proxyPort = await freePort();
  const adminPort = await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'sb-bench-node-'));
  const child = startProcess(process.execPath, [BIN, 'start', '--foreground'], {
    KONG_PREFIX: prefix,
    KONG_PROXY_LISTEN: `127.0.0.1:${proxyPort} reuseport`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
    KONG_STATUS_LISTEN: 'off',
    KONG_LOG_LEVEL: 'error',
    KONG_NGINX_WORKER_PROCESSES: String(opts.workers ?? 1),
    ...opts.env,
  });
  child.on('exit', () => rmSync(prefix, { recursive: true, force: true }));
  await waitForPort(adminPort, 120_000);
  await waitForPort(proxyPort, 60_000);
  return { child, proxyPort, adminUrl: `http://127.0.0.1:${adminPort}` };
}

export async function admin(adminUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${adminUrl}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Waits until the proxy routes `path` (the snapshot may lag a write by a few ms across processes). */
export async function waitForRoute(proxyPort: number, path: string, timeoutMs = 30_000, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${proxyPort}${path}`, { headers }).catch(() => null);
    if (res) {
      await res.arrayBuffer();
      if (res.status === 200) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`route ${path} not served within ${timeoutMs} ms`);
}
