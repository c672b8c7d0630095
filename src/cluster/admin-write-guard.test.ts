import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { guardAdminWrites } from './admin-write-guard.js';
import { resolveWorkerCount } from './worker-count.js';

let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('guardAdminWrites', () => {
  it('answers writes 503 while the database is unreachable and lets reads through', async () => {
    const health = { reachable: false };
    server = createServer(guardAdminWrites((_req, res) => res.end('inner'), () => health));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/services`;
    const write = await fetch(url, { method: 'POST', body: 'name=x' });
    expect(write.status).toBe(503);
    expect((await write.json()).message).toContain('database is unreachable');
    expect(await (await fetch(url)).text()).toBe('inner');
    health.reachable = true;
    expect(await (await fetch(url, { method: 'POST', body: 'name=x' })).text()).toBe('inner');
  });
});

describe('resolveWorkerCount', () => {
  it('maps auto to the core count and refuses non-positive numbers', () => {
    expect(resolveWorkerCount('auto', () => 6)).toBe(6);
    expect(resolveWorkerCount('3')).toBe(3);
    expect(() => resolveWorkerCount('0')).toThrow(/nginx_worker_processes/);
  });
});
