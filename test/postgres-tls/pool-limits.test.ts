import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPostgresLinkFiles, validateLinkFiles } from '../../src/datastore/postgres/index.js';
import { startPostgres, type PgServer } from '../harness/postgres.js';
import { makeInProcessPki, type PkiFixture } from '../harness/pki-fixtures.js';
import { attempt, configFrom, writeFile } from './helpers.js';

/** Kong's pool limits around the link (plaintext is enough: none of this depends on TLS). */
describe('PostgreSQL link pool and limits', () => {
  let server: PgServer;
  let pki: PkiFixture;

  beforeAll(async () => {
    [server, pki] = await Promise.all([startPostgres({ hba: ['host all all 127.0.0.1/32 scram-sha-256'] }), makeInProcessPki('intermediate')]);
    await server.superQuery('CREATE SCHEMA app AUTHORIZATION kong;', 'kong');
  });
  afterAll(async () => {
    await server?.destroy();
    pki?.cleanup();
  });

  it('each new connection sets pg_schema and TIME ZONE UTC before use', async () => {
    const r = await attempt(configFrom(server, { KONG_PG_SCHEMA: 'app', KONG_PG_POOL_SIZE: '2' }));
    expect(r.message).toBeUndefined();
    const pool = r.store!.links.primary;
    try {
      const views = await pool.withClient(async (held) => {
        const fresh = await pool.withClient((c) => c.query("SELECT current_schema() AS s, current_setting('TimeZone') AS tz, pg_backend_pid() AS pid"));
        return [(await held.query("SELECT current_schema() AS s, current_setting('TimeZone') AS tz, pg_backend_pid() AS pid")).rows[0], fresh.rows[0]];
      });
      expect(views[0].pid).not.toBe(views[1].pid);
      for (const v of views) expect(v).toMatchObject({ s: 'app', tz: 'UTC' });
    } finally {
      await r.store!.close();
    }
  });

  it('pg_backlog: callers beyond it fail with too many waiting connect operations', async () => {
    const r = await attempt(configFrom(server, { KONG_PG_POOL_SIZE: '1', KONG_PG_BACKLOG: '1' }));
    const store = r.store!;
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const holder = store.links.primary.withClient(() => gate);
      await new Promise((resolve) => setImmediate(resolve));
      const waiter = store.query('SELECT 1 AS one'); // the one allowed to wait
      await new Promise((resolve) => setImmediate(resolve));
      await expect(store.query('SELECT 2')).rejects.toThrow('too many waiting connect operations');
      release();
      await holder;
      expect((await waiter).rows[0]).toEqual({ one: 1 });
    } finally {
      await store.close();
    }
  });

  it('pg_max_concurrent_queries + pg_semaphore_timeout: error acquiring query semaphore: timeout', async () => {
    const r = await attempt(configFrom(server, { KONG_PG_MAX_CONCURRENT_QUERIES: '1', KONG_PG_SEMAPHORE_TIMEOUT: '50' }));
    const store = r.store!;
    try {
      const slow = store.query('SELECT pg_sleep(0.5)');
      await expect(store.query('SELECT 1')).rejects.toThrow('error acquiring query semaphore: timeout');
      await slow;
      expect((await store.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('pg_timeout bounds each query; the failed connection is not returned to the pool', async () => {
    const r = await attempt(configFrom(server, { KONG_PG_TIMEOUT: '200' }));
    const store = r.store!;
    try {
      const pid = (await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await expect(store.query('SELECT pg_sleep(2)')).rejects.toThrow(/timeout/i);
      const after = (await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      expect(after).not.toBe(pid);
    } finally {
      await store.close();
    }
  });

  it('a SQL error discards the connection (Kong closes after any error), the next query gets a fresh one', async () => {
    const r = await attempt(configFrom(server, {}));
    const store = r.store!;
    try {
      const pid = (await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      expect((await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid).toBe(pid);
      await expect(store.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
      expect((await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid).not.toBe(pid);
    } finally {
      await store.close();
    }
  });

  it('wrong password and unreachable port: one line, a hint, no stack', async () => {
    const bad = await attempt(configFrom(server, { KONG_PG_PASSWORD: 'nope' }));
    expect(bad.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: FATAL: password authentication failed for user "kong"');
    expect(bad.hint).toContain('pg_password');
    const refused = await attempt(configFrom(server, { KONG_PG_PORT: '1' }));
    expect(refused.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: connection refused');
  });

  describe('validateLinkFiles (for check and start, before any connection)', () => {
    const tls = (extra: Record<string, string>) => configFrom(server, { KONG_PG_SSL: 'on', KONG_PG_SSL_VERIFY: 'on', KONG_LUA_SSL_TRUSTED_CERTIFICATE: pki.serverTrustPath, ...extra });

    it('accepts a complete, consistent setup', () => {
      expect(validateLinkFiles(tls({ KONG_PG_SSL_CERT: pki.files.clientCrt, KONG_PG_SSL_CERT_KEY: pki.files.clientKey }))).toEqual([]);
    });

    it('names the setting and the fix for each broken file', () => {
      const missing = validateLinkFiles(tls({ KONG_PG_SSL_CERT: '/nonexistent/client.crt', KONG_PG_SSL_CERT_KEY: pki.files.clientKey }));
      expect(missing).toHaveLength(1);
      expect(missing[0]).toMatch(/^pg_ssl_cert: .*'\/nonexistent\/client\.crt' does not exist/);

      const mismatch = validateLinkFiles(tls({ KONG_PG_SSL_CERT: pki.files.clientCrt, KONG_PG_SSL_CERT_KEY: pki.files.serverKey }));
      expect(mismatch[0]).toMatch(/^pg_ssl_cert_key: the key in .* does not belong to the first certificate of pg_ssl_cert/);

      const noCert = writeFile(pki.dir, 'empty-ca.pem', 'not a certificate\n');
      const ca = validateLinkFiles(tls({ KONG_LUA_SSL_TRUSTED_CERTIFICATE: noCert }));
      expect(ca[0]).toMatch(/^lua_ssl_trusted_certificate: .*no PEM certificate/);

      const notCrl = validateLinkFiles(tls({ KONG_PG_SSL_CRL: pki.files.clientCrt }));
      expect(notCrl[0]).toMatch(/^pg_ssl_crl: .*no PEM CRL/);
    });

    it('pg_ssl = on with pg_ssl_verify = off is a warning (unauthenticated link)', () => {
      const report = checkPostgresLinkFiles(configFrom(server, { KONG_PG_SSL: 'on' }));
      expect(report.errors).toEqual([]);
      expect(report.warnings.some((w) => w.startsWith('pg_ssl_verify is off'))).toBe(true);
    });
  });
});
