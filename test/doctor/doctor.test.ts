import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync } from 'node:fs';
import { runDoctor, type DoctorReport } from '../../src/doctor/index.js';
import { createClientCertificate, createCrlBundle, createLayout, createServerCertificate, type LayoutResult } from '../../src/pki/index.js';
import { freePort, runCli } from '../harness/cli.js';
import { startPostgres, type PgServer, type PgTls } from '../harness/postgres.js';
import { configFor, envFor, tempDir, writePair } from './fixtures.js';

/**
 * Every diagnosis of `silverback doctor` from a real misconfiguration of a real PostgreSQL 15:
 * one server, reloaded between server-side setups; client-side mistakes are only settings.
 */
const DAY = 86_400_000;
const CERT_HBA = ['hostssl all all all cert'];

describe('silverback doctor against a real PostgreSQL', () => {
  let server: PgServer;
  let pki: LayoutResult;
  let foreign: LayoutResult;
  const files = tempDir('silverback-doctor-');
  let chain: string;
  let foreignChain: string;
  let client: { crt: string; key: string };
  let foreignClient: { crt: string; key: string };
  let otherCn: { crt: string; key: string };
  let revoked: { crt: string; key: string; pem: string };
  let expiredServer: { certPem: string; keyPem: string };

  const serverTls = (extra: Partial<PgTls> = {}): PgTls => ({ certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPem: pki.chainPem, ...extra });
  /** The printed kong.conf of `certs create` for this layout, as settings. */
  const good = (extra: Record<string, string> = {}) => ({
    KONG_PG_SSL: 'on', KONG_PG_SSL_REQUIRED: 'on', KONG_PG_SSL_VERIFY: 'on', KONG_PG_SSL_VERSION: 'tlsv1_2',
    KONG_LUA_SSL_TRUSTED_CERTIFICATE: chain, KONG_LUA_SSL_VERIFY_DEPTH: '1',
    KONG_PG_SSL_CERT: client.crt, KONG_PG_SSL_CERT_KEY: client.key, ...extra,
  });
  const doctor = (env: Record<string, string>) => runDoctor(configFor(server, env));
  const expectCause = (report: DoctorReport, step: string, cause: string) => {
    expect(report.ok).toBe(false);
    expect(report.firstFailure, JSON.stringify(report.steps, null, 1)).toMatchObject({ step, cause });
    expect(report.firstFailure!.fix.length).toBeGreaterThan(10);
  };

  beforeAll(async () => {
    [pki, foreign] = await Promise.all([
      createLayout({ layout: 'intermediate' }),
      createLayout({ layout: 'intermediate' }),
    ]);
    chain = files.write('chain.crt', pki.chainPem);
    foreignChain = files.write('foreign-chain.crt', foreign.chainPem);
    client = writePair(files, 'client', pki.client);
    foreignClient = writePair(files, 'foreign-client', foreign.client);
    otherCn = writePair(files, 'other', await createClientCertificate({ issuer: pki.intermediates[0], cn: 'other' }));
    const revokedPair = await createClientCertificate({ issuer: pki.intermediates[0], cn: 'kong' });
    revoked = { ...writePair(files, 'revoked', revokedPair), pem: revokedPair.certPem };
    expiredServer = await createServerCertificate({ issuer: pki.intermediates[0], notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
    server = await startPostgres({ tls: serverTls(), hba: CERT_HBA, users: [{ name: 'kong', password: 'kong' }] });
  });
  afterAll(async () => {
    await server?.destroy();
    files.rm();
  });

  describe('server with TLS and `hostssl all all all cert`', () => {
    it('all steps pass for the printed settings; shows pg_stat_ssl and days left for every certificate', async () => {
      const report = await doctor(good());
      expect(report.ok, JSON.stringify(report.steps, null, 1)).toBe(true);
      expect(report.steps.map((s) => s.id)).toEqual(['settings', 'client-certificate', 'trust-store', 'tcp', 'tls-offered', 'tls-handshake', 'server-certificate', 'authentication', 'session']);
      expect(report.session).toMatchObject({ ssl: true, version: 'TLSv1.2', clientDn: '/CN=kong', user: 'kong' });
      expect(BigInt(report.session!.clientSerial!)).toBe(BigInt(`0x${new (await import('node:crypto')).X509Certificate(pki.client.certPem).serialNumber}`));
      const roles = new Set(report.certificates.map((c) => c.role));
      expect(roles).toEqual(new Set(['client', 'trust anchor', 'server chain']));
      expect(report.certificates.find((c) => c.role === 'server chain')!.daysLeft).toBeGreaterThan(360);
    });

    it('server down: nothing listens on pg_port', async () => {
      const port = await freePort();
      const report = await runDoctor(configFor({ host: '127.0.0.1', port }, good()));
      expectCause(report, 'tcp', 'server-down');
    });

    it('wrong CA: lua_ssl_trusted_certificate holds another CA', async () => {
      const report = await doctor(good({ KONG_LUA_SSL_TRUSTED_CERTIFICATE: foreignChain }));
      expectCause(report, 'server-certificate', 'wrong-ca');
      expect(report.firstFailure!.reason).toMatch(/^(19|20): /);
    });

    it('chain deeper than lua_ssl_verify_depth', async () => {
      const report = await doctor(good({ KONG_LUA_SSL_VERIFY_DEPTH: '0' }));
      expectCause(report, 'server-certificate', 'chain-too-long');
      expect(report.firstFailure!.fix).toContain('lua_ssl_verify_depth = 1');
    });

    it('name mismatch with pg_ssl_verify_host = on', async () => {
      const report = await doctor(good({ KONG_PG_SSL_VERIFY_HOST: 'on', KONG_PG_SSL_SERVER_NAME: 'db.elsewhere.example' }));
      expectCause(report, 'server-certificate', 'name-mismatch');
      // The same name without verify_host is only advice.
      const advice = await doctor(good({ KONG_PG_SSL_SERVER_NAME: 'db.elsewhere.example' }));
      expect(advice.ok).toBe(true);
      expect(advice.steps.find((s) => s.id === 'server-certificate')!.details.join('\n')).toContain('does NOT match');
    });

    it('missing client certificate', async () => {
      const report = await doctor(good({ KONG_PG_SSL_CERT: '', KONG_PG_SSL_CERT_KEY: '' }));
      expectCause(report, 'authentication', 'client-cert-missing');
      expect(report.firstFailure!.reason).toContain('connection requires a valid client certificate');
      expect(report.firstFailure!.fix).toContain('pg_ssl_cert');
    });

    it('client certificate from a CA the server does not trust', async () => {
      const report = await doctor(good({ KONG_PG_SSL_CERT: foreignClient.crt, KONG_PG_SSL_CERT_KEY: foreignClient.key }));
      expectCause(report, report.firstFailure!.step === 'tls-handshake' ? 'tls-handshake' : 'authentication', 'client-cert-untrusted');
      expect(report.firstFailure!.fix).toContain('ssl_ca_file');
    });

    it('client CN not matching the user: suggests a pg_ident.conf mapping', async () => {
      const report = await doctor(good({ KONG_PG_SSL_CERT: otherCn.crt, KONG_PG_SSL_CERT_KEY: otherCn.key }));
      expectCause(report, 'authentication', 'cn-mismatch');
      expect(report.firstFailure!.reason).toContain('certificate authentication failed for user "kong"');
      expect(report.firstFailure!.fix).toMatch(/pg_ident\.conf 'silverback other kong'/);
    });

    it('group/world-readable client key', async () => {
      const loose = writePair(files, 'loose', pki.client);
      chmodSync(loose.key, 0o644);
      const report = await doctor(good({ KONG_PG_SSL_CERT: loose.crt, KONG_PG_SSL_CERT_KEY: loose.key }));
      expectCause(report, 'client-certificate', 'client-key-permissions');
      expect(report.firstFailure!.fix).toContain(`chmod 0600 ${loose.key}`);
    });

    it('the CLI prints the checklist, --json the report, and exits 0 only when all pass', async () => {
      const ok = await runCli(['doctor'], envFor(server, good()));
      expect(ok.code, ok.stderr + ok.stdout).toBe(0);
      expect(ok.stdout).toMatch(/✓ TLS handshake: TLSv1\.2/);
      expect(ok.stdout).toContain('client DN /CN=kong');
      const bad = await runCli(['doctor', '--json'], envFor(server, good({ KONG_LUA_SSL_VERIFY_DEPTH: '0' })));
      expect(bad.code).toBe(1);
      const json = JSON.parse(bad.stdout) as DoctorReport;
      expect(json.firstFailure).toMatchObject({ step: 'server-certificate', cause: 'chain-too-long' });
      const text = await runCli(['doctor'], envFor(server, good({ KONG_LUA_SSL_VERIFY_DEPTH: '0' })));
      expect(text.stdout).toMatch(/✗ server certificate: 22: certificate chain too long\n[\s\S]*cause: chain-too-long\n\s+fix: /);
    });
  });

  it('revoked client certificate (server ssl_crl_file)', async () => {
    const crlPem = await createCrlBundle({ authorities: [pki.root!, pki.intermediates[0]], revokedCertPems: [revoked.pem] });
    await server.reconfigure({ tls: serverTls({ crlPem }) });
    const report = await doctor(good({ KONG_PG_SSL_CERT: revoked.crt, KONG_PG_SSL_CERT_KEY: revoked.key }));
    expectCause(report, report.firstFailure!.step === 'tls-handshake' ? 'tls-handshake' : 'authentication', 'client-cert-revoked');
    // The unrevoked certificate still passes with the same CRL in place.
    expect((await doctor(good())).ok).toBe(true);
  });

  it('wrong password, and a missing pg_hba.conf entry', async () => {
    await server.reconfigure({ tls: serverTls(), hba: ['hostssl kong kong 127.0.0.1/32 scram-sha-256'] });
    const wrong = await doctor(good({ KONG_PG_PASSWORD: 'not-the-password' }));
    expectCause(wrong, 'authentication', 'wrong-password');
    expect((await doctor(good({ KONG_PG_PASSWORD: 'kong' }))).ok).toBe(true);
    const noEntry = await doctor(good({ KONG_PG_PASSWORD: 'kong', KONG_PG_DATABASE: 'postgres' }));
    expectCause(noEntry, 'authentication', 'no-hba-entry');
  });

  it('TLS version mismatch: server minimum TLS 1.3, pg_ssl_version = tlsv1_2', async () => {
    await server.reconfigure({ tls: serverTls({ minProtocol: 'TLSv1.3' }), hba: CERT_HBA });
    const report = await doctor(good());
    expectCause(report, 'tls-handshake', 'tls-version');
    expect(report.firstFailure!.reason).toContain('TLSv1.3');
    expect(report.firstFailure!.fix).toContain('pg_ssl_version = tlsv1_3');
  });

  it('expired server certificate', async () => {
    await server.reconfigure({ tls: serverTls({ certPem: expiredServer.certPem, keyPem: expiredServer.keyPem }), hba: CERT_HBA });
    const report = await doctor(good());
    expectCause(report, 'server-certificate', 'server-cert-expired');
    expect(report.firstFailure!.reason).toBe('10: certificate has expired');
  });

  it('server without TLS', async () => {
    await server.reconfigure({ tls: null, ssl: false, hba: ['host all all 127.0.0.1/32 scram-sha-256'] });
    const report = await doctor(good());
    expectCause(report, 'tls-offered', 'server-without-tls');
    expect(report.firstFailure!.fix).toContain('ssl = on');
    // pg_ssl = off connects in plaintext: no failure, but the session is reported unencrypted.
    const plain = await doctor({ KONG_PG_PASSWORD: 'kong' });
    expect(plain.ok, JSON.stringify(plain.steps, null, 1)).toBe(true);
    expect(plain.session).toMatchObject({ ssl: false });
    expect(plain.steps.find((s) => s.id === 'session')!.status).toBe('warn');
  });

  it('database = embedded or off: no link to check, exit 0', async () => {
    const result = await runCli(['doctor'], { KONG_DATABASE: 'off' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no PostgreSQL link to check');
  });
});
