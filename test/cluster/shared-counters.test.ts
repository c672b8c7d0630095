/**
 * rate-limiting `local` counters owned by the primary and shared over IPC: with several real
 * worker processes hammering one counter at once, exactly `limit` requests pass in total.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedCounterHost } from '../../src/cluster/shared-counters.js';
import type { IpcEndpoint } from '../../src/cluster/ipc-messages.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/counter-worker.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function message<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: any) => {
      if (m && key in m) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

describe('shared local rate-limit counters across processes', () => {
  it('lets exactly the limit through across four workers, not four times it', async () => {
    const host = new SharedCounterHost();
    const limit = 37;
    for (let i = 0; i < 4; i++) {
      const child = fork(FIXTURE, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      host.attach(child as unknown as IpcEndpoint);
    }
    await Promise.all(children.map((c) => message(c, 'ready')));
    const done = children.map((c) => message<{ allowed: number }>(c, 'allowed'));
    for (const c of children) c.send({ go: { requests: 25, limit } });
    const allowed = (await Promise.all(done)).map((d) => d.allowed);
    expect(allowed.reduce((a, b) => a + b, 0)).toBe(limit);
    // Refused requests were taken back out, as Kong does not count them.
    expect(host.cache.get('ratelimit:r:s:127.0.0.1:0:minute')).toBe(limit);
  }, 60_000);
});
