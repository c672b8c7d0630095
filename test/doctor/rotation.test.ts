import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgresDatastore, type PostgresDatastore } from '../../src/datastore/postgres/index.js';
import { watchTlsMaterial, type RotationEvent } from '../../src/datastore/postgres/rotation.js';
import { ROTATION_SERVICE, startTlsRotation } from '../../src/doctor/register.js';
import type { GatewayContext } from '../../src/gateway/context.js';
import type { Logger } from '../../src/log.js';
import { createClientCertificate, createLayout, type CertificateAndKey, type LayoutResult } from '../../src/pki/index.js';
import { startPostgres, type PgServer } from '../harness/postgres.js';
import { configFor, tempDir, writePair } from './fixtures.js';

/**
 * Certificate rotation without restart (spec §7) against a real PostgreSQL 15 with
 * `hostssl all all all cert`: the server itself (pg_stat_ssl.client_serial) says which client
 * certificate each connection presented.
 */
const DAY = 86_400_000;

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, attempts = 400): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const decimalSerial = (pem: string) => BigInt(`0x${new X509Certificate(pem).serialNumber}`).toString(10);

/** Replaces a file the way deployment tools do: write beside it, then rename over it. */
function replace(path: string, text: string, mode = 0o644): void {
  writeFileSync(`${path}.new`, text, { mode });
  renameSync(`${path}.new`, path);
}

interface Observation {
  pid: number;
  serial: string;
}

describe('PostgreSQL TLS rotation', () => {
  let server: PgServer;
  let pki: LayoutResult;
  const files = tempDir('silverback-rotation-');
  let chain: string;
  let client: { crt: string; key: string };
  const settings = (extra: Record<string, string> = {}) => ({
    KONG_PG_SSL: 'on', KONG_PG_SSL_VERIFY: 'on', KONG_LUA_SSL_TRUSTED_CERTIFICATE: chain,
    KONG_PG_SSL_CERT: client.crt, KONG_PG_SSL_CERT_KEY: client.key, KONG_PG_POOL_SIZE: '3', ...extra,
  });

  beforeAll(async () => {
    pki = await createLayout({ layout: 'intermediate' });
    chain = files.write('chain.crt', pki.chainPem);
    client = writePair(files, 'client', pki.client);
    server = await startPostgres({ tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPem: pki.chainPem }, hba: ['hostssl all all all cert'] });
  });
  afterAll(async () => {
    await server?.destroy();
    files.rm();
  });

  it('a replaced client certificate is presented by new connections, old ones retire, no query fails; broken files are refused', async () => {
    const store: PostgresDatastore = await openPostgresDatastore(configFor(server, settings()), { log: { warn: () => undefined } });
    const link = store.links.primary;
    const events: RotationEvent[] = [];
    const logged: { level: string; message: string }[] = [];
    const rotation = watchTlsMaterial({
      link: link.link,
      source: link.material,
      pool: link,
      log: { info: (m) => logged.push({ level: 'info', message: m }), warn: (m) => logged.push({ level: 'warn', message: m }), error: (m) => logged.push({ level: 'error', message: m }) },
      pollIntervalMs: 100,
      debounceMs: 50,
      onChange: (e) => events.push(e),
    });
    const seen: Observation[] = [];
    const failures: unknown[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        try {
          const { rows } = await store.query<{ pid: number; serial: string }>('SELECT pid, client_serial::text AS serial FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
          seen.push(rows[0]);
        } catch (e) {
          failures.push(e);
        }
      }
    };
    const workers = [worker(), worker(), worker()];
    try {
      const oldSerial = decimalSerial(pki.client.certPem);
      await until('traffic with the first certificate', () => seen.length > 10);
      expect(new Set(seen.map((s) => s.serial))).toEqual(new Set([oldSerial]));
      const pidsBefore = new Set(seen.map((s) => s.pid));

      const fresh = await createClientCertificate({ issuer: pki.intermediates[0], cn: 'kong' });
      const newSerial = decimalSerial(fresh.certPem);
      replace(client.key, fresh.keyPem, 0o600);
      replace(client.crt, fresh.certPem);
      await until('the rotation', () => events.some((e) => e.ok));
      const mark = seen.length;
      const firstNew = await until('a connection with the new certificate', () => seen.slice(mark).find((s) => s.serial === newSerial));
      // A connection the server had not seen before: the new certificate came with a new handshake.
      expect(pidsBefore.has(firstNew.pid)).toBe(false);
      // Old connections leave when released: soon every query runs on a new one.
      await until('old connections to retire', () => seen.length > mark + 30 && seen.slice(-20).every((s) => s.serial === newSerial));
      const oldAfterRotation = seen.slice(mark).filter((s) => s.serial === oldSerial);
      expect(new Set(oldAfterRotation.map((s) => s.pid)).size).toBeLessThanOrEqual(3);
      expect(failures).toEqual([]);

      // A broken change: a certificate whose key is not on disk. Refused, logged, old material stays.
      const generation = rotation.generation;
      const stranger: CertificateAndKey = await createClientCertificate({ issuer: pki.intermediates[0], cn: 'kong' });
      replace(client.crt, stranger.certPem);
      const refused = await until('the refusal', () => events.find((e) => !e.ok));
      expect(refused.error).toMatch(/pg_ssl_cert_key/);
      expect(logged.some((l) => l.level === 'error' && /refused the changed PostgreSQL TLS files/.test(l.message))).toBe(true);
      expect(rotation.generation).toBe(generation);
      expect(decimalSerial(link.material.current()!.clientChain[0].toString())).toBe(newSerial);
      // Back to the loaded files: nothing to reload. Then an empty CA file: refused too.
      replace(client.crt, fresh.certPem);
      replace(chain, '');
      await until('the CA refusal', () => events.filter((e) => !e.ok).length >= 2);
      expect(events[events.length - 1].error).toMatch(/lua_ssl_trusted_certificate/);
      expect(events.filter((e) => e.ok)).toHaveLength(1);
      const count = seen.length;
      await until('more traffic', () => seen.length > count + 10);
      expect(failures).toEqual([]);
      replace(chain, pki.chainPem);
    } finally {
      running = false;
      await Promise.all(workers);
      rotation.close();
      await store.close();
    }
  });

  it('the start hook warns about certificates expiring within 30 days and watches the files of a running node', async () => {
    const soon = writePair(files, 'soon', await createClientCertificate({ issuer: pki.intermediates[0], cn: 'kong', notAfter: new Date(Date.now() + 10 * DAY) }));
    const config = configFor(server, settings({ KONG_PG_SSL_CERT: soon.crt, KONG_PG_SSL_CERT_KEY: soon.key }));
    const store = await openPostgresDatastore(config, { log: { warn: () => undefined } });
    const lines: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } as unknown as Logger;
    const ctx = { config, log, datastore: store, services: new Map() } as unknown as GatewayContext;
    const hook = startTlsRotation(ctx);
    try {
      expect(hook).toBeDefined();
      expect(lines.some((l) => /client certificate \(pg_ssl_cert\) 'CN=kong' .* expires in (9|10) days/.test(l))).toBe(true);
      expect(lines.some((l) => /trust anchor/.test(l))).toBe(false);
      const rotations = ctx.services.get(ROTATION_SERVICE) as { files: string[] }[];
      expect(rotations[0].files).toEqual(expect.arrayContaining([soon.crt, soon.key, chain]));
    } finally {
      await hook?.stop();
      await store.close();
    }
  });
});
