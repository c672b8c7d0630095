import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { loadConfig, pgLinkSettings } from '../../config/index.js';
import { NegotiatingStream } from './negotiating-stream.js';

/** A fake server that answers SSLRequest with the given bytes and records what it received after. */
async function fakeServer(answer: Buffer): Promise<{ server: Server; port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    let first = true;
    socket.on('data', (d) => {
      if (first) {
        first = false;
        socket.write(answer);
      } else {
        received.push(d);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, received };
}

function link(env: Record<string, string>) {
  const { config } = loadConfig({ env: { KONG_DATABASE: 'postgres', KONG_LUA_SSL_TRUSTED_CERTIFICATE: '', ...env }, defaultPaths: [] });
  return pgLinkSettings(config, 'primary')!;
}

function run(stream: NegotiatingStream, port: number): Promise<Error | 'connect'> {
  return new Promise((resolve) => {
    stream.once('connect', () => resolve('connect'));
    stream.once('error', resolve);
    stream.connect(port, '127.0.0.1');
  });
}

const hooks = (onFallback: () => void = () => undefined) => ({ material: () => null, onPlaintextFallback: onFallback, onTlsEstablished: () => undefined });

describe('NegotiatingStream', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('refuses bytes that follow the one-byte answer (no buffered injection)', async () => {
    const fake = await fakeServer(Buffer.from('NX'));
    server = fake.server;
    const result = await run(new NegotiatingStream(link({ KONG_PG_SSL: 'on' }), hooks()), fake.port);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toContain('unexpected data after its SSLRequest answer');
  });

  it("'N' with pg_ssl_required: fails and writes nothing more", async () => {
    const fake = await fakeServer(Buffer.from('N'));
    server = fake.server;
    const result = await run(new NegotiatingStream(link({ KONG_PG_SSL: 'on', KONG_PG_SSL_REQUIRED: 'on' }), hooks()), fake.port);
    expect((result as Error).message).toBe('the server does not support SSL connections');
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.received).toEqual([]);
  });

  it("'N' without required/verify: continues in plaintext and reports the fallback", async () => {
    const fake = await fakeServer(Buffer.from('N'));
    server = fake.server;
    let fallbacks = 0;
    const stream = new NegotiatingStream(link({ KONG_PG_SSL: 'on' }), hooks(() => fallbacks++));
    expect(await run(stream, fake.port)).toBe('connect');
    expect(fallbacks).toBe(1);
    expect(stream.encrypted).toBe(false);
    expect(stream.getPeerCertificate()).toBeNull();
    stream.destroy();
  });

  it("'E' (server error instead of an answer) is treated as no TLS", async () => {
    const fake = await fakeServer(Buffer.from('E'));
    server = fake.server;
    const result = await run(new NegotiatingStream(link({ KONG_PG_SSL: 'on', KONG_PG_SSL_VERIFY: 'on' }), hooks()), fake.port);
    expect((result as Error).message).toBe('the server does not support SSL connections');
  });
});
