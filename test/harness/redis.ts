import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away redis-server for tests: loopback only, a free port, no persistence
 * (`--save '' --appendonly no`), its own working directory. `stop()` kills it (to simulate an
 * outage), `start()` brings it back on the same port, `destroy()` removes everything.
 */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.write('PING\r\n');
    });
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    sock.once('error', () => resolve(false));
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

class RedisInstance implements RedisServer {
  readonly host = '127.0.0.1' as const;
  private child: ChildProcess | null = null;
  private stderr = '';

  constructor(readonly port: number, private readonly dir: string) {}

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d) => (this.stderr += d.toString()));
    live.add(child);
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
      live.delete(child);
    });
    for (let i = 0; i < 200; i++) {
      if (exited) throw new Error(`redis-server exited at start: ${this.stderr.trim()}`);
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not answer on 127.0.0.1:${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts redis-server (Debian's `redis-server` on PATH). Always destroy() it. */
export async function startRedis(): Promise<RedisServer> {
  const server = new RedisInstance(await freePort(), mkdtempSync(join(tmpdir(), 'silverback-redis-')));
  try {
    await server.start();
  } catch (err) {
    await server.destroy();
    throw err;
  }
  return server;
}
