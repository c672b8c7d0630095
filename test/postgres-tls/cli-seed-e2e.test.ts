/**
 * The seed page end to end through the real CLI: certificates from the seed's own openssl
 * commands (intermediate chain), PostgreSQL with `hostssl all all all cert`, and kong.conf
 * holding exactly the seed's lines, quotes included. `migrations bootstrap`, `start`, the
 * Admin API, and the server's own view of the session (pg_stat_ssl), then `stop`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../harness/cli.js';
import { makeSeedPki } from '../harness/pki-fixtures.js';
import type { PkiFixture } from '../harness/pki-fixtures.js';
import { startPostgres } from '../harness/postgres.js';
import type { PgServer } from '../harness/postgres.js';

describe("the seed's setup through the CLI (hostssl … cert, intermediate chain)", () => {
  let pki: PkiFixture;
  let server: PgServer;
  let prefix: string;
  let confPath: string;
  let adminUrl: string;
  const env = () => ({ KONG_PREFIX: prefix });

  beforeAll(async () => {
    pki = await makeSeedPki('intermediate');
    server = await startPostgres({
      tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPem: pki.clientTrustPem },
      hba: ['hostssl all all all cert'],
      users: [{ name: 'kong' }],
    });
    prefix = mkdtempSync(join(tmpdir(), 'sb-seed-e2e-'));
    const adminPort = await freePort();
    adminUrl = `http://127.0.0.1:${adminPort}`;
    confPath = join(prefix, 'kong.conf');
    writeFileSync(
      confPath,
      [
        'database = postgres',
        `pg_host = 127.0.0.1`,
        `pg_port = ${server.port}`,
        'pg_user = kong',
        `proxy_listen = 127.0.0.1:${await freePort()}`,
        `admin_listen = 127.0.0.1:${adminPort}`,
        'status_listen = off',
        'nginx_worker_processes = 1',
        '# The seed page, verbatim:',
        'pg_ssl = on',
        'pg_ssl_required = on',
        'pg_ssl_verify = on',
        'pg_ssl_version = tlsv1_2',
        `lua_ssl_trusted_certificate = system,${pki.serverTrustPath}`,
        'lua_ssl_verify_depth = 1',
        `pg_ssl_cert = '${pki.files.clientCrt}'`,
        `pg_ssl_cert_key = '${pki.files.clientKey}'`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await runCli(['stop', '-p', prefix]).catch(() => undefined);
    await server?.destroy();
    pki?.cleanup();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it('check accepts the configuration', async () => {
    const r = await runCli(['check', confPath]);
    expect(r.stderr).not.toContain('[error]');
    expect(r.code).toBe(0);
  });

  it('bootstraps, starts over mutual TLS, serves the Admin API, and stops', async () => {
    const boot = await runCli(['migrations', 'bootstrap', '-c', confPath], env());
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stdout).toContain('Database is up-to-date');

    const start = await runCli(['start', '-c', confPath], env());
    expect(start.code, start.stderr).toBe(0);

    const created = await fetch(`${adminUrl}/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'seed', url: 'http://127.0.0.1:9' }),
    });
    expect(created.status).toBe(201);

    // The server's own view: every session of user kong is TLS 1.2 with the client certificate CN=kong.
    const sessions = await server.superQuery(
      "SELECT s.ssl, s.version, s.client_dn FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.usename = 'kong'",
    );
    const rows = sessions.trim().split('\n').filter(Boolean);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toBe('t|TLSv1.2|/CN=kong');

    expect((await runCli(['stop', '-c', confPath], env())).code).toBe(0);
  });

  it('start names a missing client key file in one line, before any connection', async () => {
    const broken = confPath.replace('kong.conf', 'broken.conf');
    writeFileSync(broken, `database = postgres\npg_ssl = on\npg_ssl_cert = '${pki.files.clientCrt}'\npg_ssl_cert_key = '/nonexistent/client.key'\n`);
    const r = await runCli(['start', '-c', broken], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pg_ssl_cert_key');
    expect(r.stderr).toContain('/nonexistent/client.key');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
