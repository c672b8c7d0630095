import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPostgresLinkFiles } from '../../src/datastore/postgres/index.js';
import { loadConfig } from '../../src/config/index.js';
import { makeInProcessPki, makeSeedPki, type PkiFixture } from '../harness/pki-fixtures.js';
import { startPostgres, type PgServer, type PgTls } from '../harness/postgres.js';
import { attempt, authorizedCount, configFrom, expiredServer, issueClient, serverView, writeFile } from './helpers.js';

/**
 * Spec §8 against a real PostgreSQL 15, once per certificate maker: the seed page's openssl
 * commands and our in-process PKI. One server per maker, reconfigured (reload) between modes.
 */
const makers = [
  { maker: 'seed-openssl', make: makeSeedPki },
  // Same names as the seed's recipe (CN dbhost.yourdomain.com), here as a SAN.
  { maker: 'in-process', make: (layout: 'intermediate' | 'direct' | 'self-signed') => makeInProcessPki(layout, { serverNames: ['dbhost.yourdomain.com'] }) },
] as const;

const SCRAM_HBA = ['hostssl all all 127.0.0.1/32 scram-sha-256'];
const CERT_HBA = ['hostssl all all all cert'];
const VERIFY_FULL_HBA = ['hostssl all all all trust clientcert=verify-full'];

describe.each(makers)('PostgreSQL link over TLS, $maker PKI', ({ maker, make }) => {
  let pki: PkiFixture;
  let wrongPki: PkiFixture;
  let selfSigned: PkiFixture;
  let server: PgServer;
  let other: { crt: string; key: string };
  let revoked: { crt: string; key: string; pair: { certPem: string } };
  let crlPem: string;
  const serverTls = (extra: Partial<PgTls> = {}): PgTls => ({ certPem: pki.server.certPem, keyPem: pki.server.keyPem, ...extra });
  const verified = (extra: Record<string, string> = {}) => configFrom(server, {
    KONG_PG_SSL: 'on', KONG_PG_SSL_VERIFY: 'on', KONG_LUA_SSL_TRUSTED_CERTIFICATE: pki.serverTrustPath, ...extra,
  });
  const mtls = (crt: string, key: string, extra: Record<string, string> = {}) => verified({ KONG_PG_SSL_CERT: crt, KONG_PG_SSL_CERT_KEY: key, ...extra });

  beforeAll(async () => {
    [pki, wrongPki, selfSigned] = await Promise.all([make('intermediate'), make('direct'), make('self-signed')]);
    other = await issueClient(pki, 'other', 'other');
    revoked = await issueClient(pki, 'revoked', 'kong');
    crlPem = await pki.crlRevoking([revoked.pair.certPem]);
    server = await startPostgres({ tls: serverTls(), hba: SCRAM_HBA });
  });
  afterAll(async () => {
    await server?.destroy();
    for (const f of [pki, wrongPki, selfSigned]) f?.cleanup();
  });

  describe('ssl = on, hostssl … scram-sha-256', () => {
    it('verify on, chain.crt trusted, depth 1: connects, encrypted per pg_stat_ssl, one handshake for reused connections', async () => {
      const { store, message } = await attempt(verified({ KONG_LUA_SSL_VERIFY_DEPTH: '1' }));
      expect(message).toBeUndefined();
      try {
        const first = await serverView(store!);
        const second = await serverView(store!);
        expect(first.ssl).toBe(true);
        expect(first.version).toBe('TLSv1.2'); // pg_ssl_version default tlsv1_2 pins it
        expect(first.clientDn).toBeNull();
        expect(second.pid).toBe(first.pid);
        expect(store!.links.primary.stats.tlsHandshakes).toBe(1);
        const tz = await store!.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
        expect(tz.rows[0].tz).toBe('UTC');
      } finally {
        await store!.close();
      }
    });

    it('depth 0 with an intermediate: 22: certificate chain too long', async () => {
      const before = authorizedCount(server);
      const r = await attempt(verified({ KONG_LUA_SSL_VERIFY_DEPTH: '0' }));
      expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: 22: certificate chain too long');
      expect(r.hint).toContain('lua_ssl_verify_depth = 1');
      expect(authorizedCount(server)).toBe(before);
    });

    it('wrong CA, server.crt with the intermediate appended (the seed\'s optional step): 20: unable to get local issuer certificate', async () => {
      await server.reconfigure({ tls: serverTls({ certPem: pki.server.certPem + pki.intermediate!.certPem }) });
      try {
        const r = await attempt(verified({ KONG_LUA_SSL_TRUSTED_CERTIFICATE: wrongPki.serverTrustPath }));
        expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: 20: unable to get local issuer certificate');
        expect(r.hint).toContain('lua_ssl_trusted_certificate');
        // The appended chain changes nothing when the CA is trusted.
        const ok = await attempt(verified());
        expect(ok.message).toBeUndefined();
        await ok.store!.close();
      } finally {
        await server.reconfigure({ tls: serverTls() });
      }
    });

    it('wrong CA, server sends its certificate alone: OpenSSL\'s own number, 21: unable to verify the first certificate', async () => {
      const r = await attempt(verified({ KONG_LUA_SSL_TRUSTED_CERTIFICATE: wrongPki.serverTrustPath }));
      expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: 21: unable to verify the first certificate');
      expect(r.hint).toContain('lua_ssl_trusted_certificate');
    });

    it('pg_ssl_verify_host on with pg_host an IP not in the certificate: refused, names shown; pg_ssl_server_name fixes it', async () => {
      const r = await attempt(verified({ KONG_PG_SSL_VERIFY_HOST: 'on' }));
      expect(r.message).toContain('62: hostname mismatch');
      expect(r.message).toContain('dbhost.yourdomain.com');
      expect(r.message).toContain("'127.0.0.1'");
      expect(r.hint).toContain('pg_ssl_server_name');
      const ok = await attempt(verified({ KONG_PG_SSL_VERIFY_HOST: 'on', KONG_PG_SSL_SERVER_NAME: 'dbhost.yourdomain.com' }));
      expect(ok.message).toBeUndefined();
      await ok.store!.close();
    });

    it('pg_ssl_crl revoking the server certificate: 23: certificate revoked', async () => {
      const crlPath = writeFile(pki.dir, 'server-revoked.crl', await pki.crlRevoking([pki.server.certPem]));
      const r = await attempt(verified({ KONG_PG_SSL_CRL: crlPath }));
      expect(r.message).toContain('23: certificate revoked');
      const emptyCrl = writeFile(pki.dir, 'none-revoked.crl', await pki.crlRevoking([]));
      const ok = await attempt(verified({ KONG_PG_SSL_CRL: emptyCrl }));
      expect(ok.message).toBeUndefined();
      await ok.store!.close();
    });

    it('pg_ssl = off against a server that only accepts hostssl: PostgreSQL FATAL kept, hint to set pg_ssl = on', async () => {
      const r = await attempt(configFrom(server, {}));
      expect(r.message).toMatch(/server_version_num: FATAL: no pg_hba\.conf entry for host "127\.0\.0\.1", user "kong", database "kong", no encryption$/);
      expect(r.hint).toContain('pg_ssl = on');
    });

    it('verify off: TLS without authentication, and a warning says so', async () => {
      const r = await attempt(configFrom(server, { KONG_PG_SSL: 'on', KONG_LUA_SSL_TRUSTED_CERTIFICATE: wrongPki.serverTrustPath }));
      expect(r.message).toBeUndefined();
      expect(r.warnings.some((w) => w.includes('pg_ssl_verify is off'))).toBe(true);
      expect((await serverView(r.store!)).ssl).toBe(true);
      await r.store!.close();
    });

    it('pg_ssl_version = tlsv1_3 negotiates TLS 1.3 (and SCRAM over it)', async () => {
      const r = await attempt(verified({ KONG_PG_SSL_VERSION: 'tlsv1_3' }));
      expect(r.message).toBeUndefined();
      expect((await serverView(r.store!)).version).toBe('TLSv1.3');
      await r.store!.close();
    });

    it('read replica: pg_ro_* inherits TLS; reads go to the replica link, writes to the primary', async () => {
      await server.superQuery("CREATE ROLE reader LOGIN PASSWORD 'reader'; GRANT CONNECT ON DATABASE kong TO reader;").catch(() => undefined);
      const r = await attempt(verified({ KONG_PG_RO_HOST: server.host, KONG_PG_RO_USER: 'reader', KONG_PG_RO_PASSWORD: 'reader' }));
      expect(r.message).toBeUndefined();
      try {
        const readUser = await r.store!.reader.query<{ u: string }>('SELECT current_user AS u');
        const writeUser = await r.store!.query<{ u: string }>('SELECT current_user AS u');
        expect(readUser.rows[0].u).toBe('reader');
        expect(writeUser.rows[0].u).toBe('kong');
        expect((await serverView(r.store!, 'replica')).ssl).toBe(true);
        expect(r.store!.links.replica!.stats.tlsHandshakes).toBe(1);
      } finally {
        await r.store!.close();
      }
    });

    it.runIf(maker === 'in-process')('expired server certificate: 10: certificate has expired', async () => {
      const expired = await expiredServer(pki);
      await server.reconfigure({ tls: { certPem: expired.certPem, keyPem: expired.keyPem } });
      try {
        const r = await attempt(verified());
        expect(r.message).toContain('server_version_num: 10: certificate has expired');
        expect(r.hint).toContain('renew');
      } finally {
        await server.reconfigure({ tls: serverTls() });
      }
    });
  });

  describe('self-signed server certificates', () => {
    beforeAll(async () => {
      await server.reconfigure({ tls: { certPem: selfSigned.server.certPem, keyPem: selfSigned.server.keyPem } });
    });
    afterAll(async () => {
      await server.reconfigure({ tls: serverTls() });
    });

    it('trusted server.crt: connects (depth 0 is enough for a self-signed certificate)', async () => {
      const r = await attempt(verified({ KONG_LUA_SSL_TRUSTED_CERTIFICATE: selfSigned.serverTrustPath, KONG_LUA_SSL_VERIFY_DEPTH: '0' }));
      expect(r.message).toBeUndefined();
      await r.store!.close();
    });

    it('not trusted: 18: self-signed certificate', async () => {
      const r = await attempt(verified({ KONG_LUA_SSL_TRUSTED_CERTIFICATE: pki.serverTrustPath }));
      expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: 18: self-signed certificate');
    });

    it('a server sending its whole chain up to an untrusted root: 19: self-signed certificate in certificate chain', async () => {
      await server.reconfigure({ tls: serverTls({ certPem: pki.server.certPem + pki.intermediate!.certPem + pki.root!.certPem }) });
      const r = await attempt(verified({ KONG_LUA_SSL_TRUSTED_CERTIFICATE: wrongPki.serverTrustPath }));
      expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: 19: self-signed certificate in certificate chain');
    });
  });

  describe('server with ssl = off', () => {
    beforeAll(async () => {
      await server.reconfigure({ ssl: false, hba: ['host all all 127.0.0.1/32 scram-sha-256'] });
    });
    afterAll(async () => {
      // Two steps: the harness checks pg_hba.conf against the running server, which must have SSL on before hostssl lines.
      await server.reconfigure({ ssl: true, tls: serverTls() });
      await server.reconfigure({ hba: SCRAM_HBA });
    });

    it.each([
      ['pg_ssl_verify = on', { KONG_PG_SSL_VERIFY: 'on' }],
      ['pg_ssl_required = on', { KONG_PG_SSL_REQUIRED: 'on' }],
    ])('%s: the server does not support SSL connections, and nothing is sent in plaintext', async (_name, env) => {
      const before = authorizedCount(server);
      const r = await attempt(configFrom(server, { KONG_PG_SSL: 'on', KONG_LUA_SSL_TRUSTED_CERTIFICATE: pki.serverTrustPath, ...env }));
      expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: the server does not support SSL connections');
      expect(r.hint).toContain('ssl = on');
      expect(authorizedCount(server)).toBe(before);
    });

    it('ssl on, required off, verify off: plaintext, warned once per pool naming the server', async () => {
      const r = await attempt(configFrom(server, { KONG_PG_SSL: 'on', KONG_LUA_SSL_TRUSTED_CERTIFICATE: pki.serverTrustPath }));
      expect(r.message).toBeUndefined();
      try {
        const pool = r.store!.links.primary;
        await Promise.all([pool.withClient(() => pool.query('SELECT pg_sleep(0.05)')), serverView(r.store!)]);
        expect(pool.stats.plaintextConnections).toBeGreaterThanOrEqual(2);
        expect((await serverView(r.store!)).ssl).toBe(false);
        const fallbackWarnings = r.warnings.filter((w) => w.includes('does not support SSL connections'));
        expect(fallbackWarnings).toHaveLength(1);
        expect(fallbackWarnings[0]).toContain(`${server.host}:${server.port}`);
      } finally {
        await r.store!.close();
      }
    });
  });

  describe.each([
    ['hostssl all all all cert', CERT_HBA],
    ['hostssl all all all trust clientcert=verify-full', VERIFY_FULL_HBA],
  ])('mutual TLS: %s, with ssl_crl_file', (_mode, hba) => {
    beforeAll(async () => {
      await server.reconfigure({ tls: serverTls({ caPem: pki.clientTrustPem, crlPem }), hba });
    });
    afterAll(async () => {
      await server.reconfigure({ tls: serverTls(), hba: SCRAM_HBA });
    });

    it('client CN kong, user kong: connects; pg_stat_ssl shows client_dn /CN=kong and our serial', async () => {
      const r = await attempt(mtls(pki.files.clientCrt, pki.files.clientKey));
      expect(r.message).toBeUndefined();
      try {
        const view = await serverView(r.store!);
        expect(view.ssl).toBe(true);
        expect(view.clientDn).toBe('/CN=kong');
        expect(BigInt(view.clientSerial!)).toBe(BigInt(`0x${new (await import('node:crypto')).X509Certificate(pki.client.certPem).serialNumber}`));
      } finally {
        await r.store!.close();
      }
    });

    it('no client certificate: refused by the server', async () => {
      const r = await attempt(verified());
      expect(r.message).toContain('server_version_num: ');
      if (hba === CERT_HBA) {
        expect(r.message).toContain('FATAL: connection requires a valid client certificate');
      } else {
        expect(r.message).toMatch(/connection requires a valid client certificate|certificate required|handshake failure/);
      }
      expect(r.hint).toContain('pg_ssl_cert');
    });

    it('revoked client certificate in the server CRL: refused, revocation named', async () => {
      const r = await attempt(mtls(revoked.crt, revoked.key));
      expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: sslv3 alert certificate revoked');
      expect(r.hint).toContain('ssl_crl_file');
    });

    it('client certificate from a CA the server does not trust: refused by a TLS alert, hint names ssl_ca_file', async () => {
      const r = await attempt(mtls(wrongPki.files.clientCrt, wrongPki.files.clientKey));
      // Both PKIs name their root root.yourdomain.com, so OpenSSL finds a same-named CA whose signature fails: decrypt error.
      expect(r.message).toMatch(/server_version_num: tlsv1 alert (unknown ca|decrypt error)$/);
      expect(r.hint).toContain("ssl_ca_file");
    });

    it.runIf(hba === CERT_HBA)('client CN differs from the user: certificate authentication failed for user "kong"', async () => {
      const r = await attempt(mtls(other.crt, other.key));
      expect(r.message).toBe('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: FATAL: certificate authentication failed for user "kong"');
      expect(r.hint).toContain('CN');
    });

    it("the seed's kong.conf lines, pasted with their quotes, through confPath", async () => {
      const conf = [
        'database = postgres',
        `pg_host = ${server.host}`,
        `pg_port = ${server.port}`,
        'pg_ssl = on',
        'pg_ssl_required = on',
        'pg_ssl_verify = on',
        'pg_ssl_version = tlsv1_2',
        `lua_ssl_trusted_certificate = system,${pki.serverTrustPath}`,
        'lua_ssl_verify_depth = 1',
        `pg_ssl_cert = '${pki.files.clientCrt}'`,
        `pg_ssl_cert_key = '${pki.files.clientKey}'`,
      ].join('\n');
      const confPath = writeFile(pki.dir, 'kong.conf', `${conf}\n`);
      const { config } = loadConfig({ confPath, env: {}, defaultPaths: [] });
      const r = await attempt(config);
      expect(r.message).toBeUndefined();
      expect((await serverView(r.store!)).clientDn).toBe('/CN=kong');
      await r.store!.close();
    });

    it('rotation: a client certificate replaced on disk is presented by the next new connection only', async () => {
      const rotating = await issueClient(pki, 'rotating', 'kong');
      const r = await attempt(mtls(rotating.crt, rotating.key));
      expect(r.message).toBeUndefined();
      const pool = r.store!.links.primary;
      try {
        const before = await serverView(r.store!);
        const next = await issueClient(pki, 'rotating', 'kong'); // same paths, new serial
        expect(pool.material.reload().ok).toBe(true);
        const serialQuery = 'SELECT client_serial::text AS s FROM pg_stat_ssl WHERE pid = pg_backend_pid()';
        const [oldConn, newConn] = await pool.withClient(async (held) => {
          const fresh = await pool.withClient((c) => c.query<{ s: string }>(serialQuery));
          return [(await held.query<{ s: string }>(serialQuery)).rows[0].s, fresh.rows[0].s];
        });
        expect(oldConn).toBe(before.clientSerial);
        const { X509Certificate } = await import('node:crypto');
        expect(BigInt(newConn)).toBe(BigInt(`0x${new X509Certificate(next.pair.certPem).serialNumber}`));
        expect(newConn).not.toBe(oldConn);
      } finally {
        await r.store!.close();
      }
    });
  });

  describe('ssl_min_protocol_version = TLSv1.3', () => {
    beforeAll(async () => {
      await server.reconfigure({ tls: serverTls({ minProtocol: 'TLSv1.3' }) });
    });
    afterAll(async () => {
      await server.reconfigure({ tls: serverTls() });
    });

    it('pg_ssl_version = tlsv1_2: refused, both versions named', async () => {
      const r = await attempt(verified({ KONG_PG_SSL_VERSION: 'tlsv1_2' }));
      expect(r.message).toMatch(/protocol version|unsupported protocol/);
      expect(r.message).toContain('Silverback offered TLSv1.2');
      expect(r.message).toContain('the server negotiates TLSv1.3');
      expect(r.hint).toContain('pg_ssl_version = tlsv1_3');
    });

    it('pg_ssl_version = any: connects with TLS 1.3', async () => {
      const r = await attempt(verified({ KONG_PG_SSL_VERSION: 'any' }));
      expect(r.message).toBeUndefined();
      expect((await serverView(r.store!)).version).toBe('TLSv1.3');
      await r.store!.close();
    });
  });

  it('client key readable by group or others: flagged by the check function', () => {
    const key = join(pki.dir, 'loose.key');
    writeFileSync(key, pki.client.keyPem);
    chmodSync(key, 0o644);
    const report = checkPostgresLinkFiles(mtls(pki.files.clientCrt, key));
    expect(report.errors).toEqual([]);
    expect(report.warnings.some((w) => w.startsWith('pg_ssl_cert_key:') && w.includes('chmod 0600'))).toBe(true);
  });
});
