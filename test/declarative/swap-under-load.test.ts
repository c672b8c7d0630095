/**
 * POST /config while the proxy is busy: every response must come from one whole
 * configuration. Version A sends /v to upstream A and adds `x-version: A` on the way; version B
 * does the same with B. A response from upstream A carrying `B` (or no header) would be a mix.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { tempDir } from './fixtures.js';
import { startTestNode, type TestNode } from './node.js';

let a: EchoServer;
let b: EchoServer;
let n: TestNode;
const prefix = tempDir('swap');

function version(label: 'A' | 'B', upstream: EchoServer) {
  return {
    _format_version: '3.0',
    services: [
      {
        name: `svc-${label}`,
        url: upstream.url,
        routes: [
          {
            name: `route-${label}`,
            paths: ['/v'],
            plugins: [{ name: 'request-transformer', config: { add: { headers: [`x-version:${label}`] } } }],
          },
        ],
      },
    ],
  };
}

beforeAll(async () => {
  a = await startEchoServer();
  b = await startEchoServer();
  n = await startTestNode(prefix.path, { database: 'off' });
}, 60_000);

afterAll(async () => {
  await n?.stop();
  await a?.close();
  await b?.close();
  prefix.remove();
});

it('never serves a half-applied configuration while configurations are swapped', async () => {
  expect((await n.admin('POST', '/config', version('A', a))).status).toBe(201);
  const seen = { A: 0, B: 0 };
  const mixed: string[] = [];
  let swapping = true;

  const client = async () => {
    while (swapping) {
      const r = await n.proxy('GET', '/v');
      const header = r.json?.headers?.['x-version'];
      const port = r.json?.port;
      if (r.status === 200 && header === 'A' && port === a.port) seen.A++;
      else if (r.status === 200 && header === 'B' && port === b.port) seen.B++;
      else mixed.push(`${r.status} header=${String(header)} port=${String(port)}`);
    }
  };
  const clients = Array.from({ length: 8 }, client);

  for (let i = 0; i < 40; i++) {
    const label = i % 2 === 0 ? 'B' : 'A';
    const res = await n.admin('POST', '/config', version(label, label === 'A' ? a : b));
    expect(res.status).toBe(201);
    // Let some requests through on each version.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  swapping = false;
  await Promise.all(clients);

  expect(mixed).toEqual([]);
  expect(seen.A).toBeGreaterThan(0);
  expect(seen.B).toBeGreaterThan(0);
}, 120_000);
