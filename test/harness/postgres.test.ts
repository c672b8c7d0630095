import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInProcessPki, pkiMakers, type PkiFixture } from './pki-fixtures.js';
import { startPostgres, type PgServer } from './postgres.js';

interface SslRow {
  ssl: boolean;
  version: string;
  client_dn: string | null;
}

async function withClient<T>(config: pg.ClientConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionTimeoutMillis: 10_000, ...config });
  // A server-side refusal can arrive as a socket error after connect(); keep it from becoming an unhandled event.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function mtlsConfig(server: PgServer, pki: PkiFixture): pg.ClientConfig {
  return {
    host: server.host,
    port: server.port,
    user: 'kong',
    database: 'kong',
    ssl: {
      ca: pki.serverTrustPem,
      cert: pki.client.certPem,
      key: pki.client.keyPem,
      rejectUnauthorized: true,
      // Kong never checks the server name; the seed's server certificate is for dbhost.yourdomain.com.
      checkServerIdentity: () => undefined,
    },
  };
}

const sslQuery = 'select ssl, version, client_dn from pg_stat_ssl where pid = pg_backend_pid()';

describe.each(pkiMakers)('PostgreSQL with hostssl cert auth, $maker PKI (intermediate layout)', ({ make }) => {
  let pki: PkiFixture | undefined;
  let server: PgServer | undefined;

  beforeAll(async () => {
    pki = await make('intermediate');
    server = await startPostgres({
      tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPem: pki.clientTrustPem },
      hba: ['hostssl all all 127.0.0.1/32 cert'],
      users: [{ name: 'kong' }],
    });
  });

  afterAll(async () => {
    await server?.destroy();
    pki?.cleanup();
  });

  it('accepts the client certificate with CN kong and reports it in pg_stat_ssl', async () => {
    const row = await withClient(mtlsConfig(server!, pki!), async (c) => (await c.query<SslRow>(sslQuery)).rows[0]);
    expect(row.ssl).toBe(true);
    expect(row.version).toMatch(/^TLSv1\.[23]$/);
    expect(row.client_dn).toBe('/CN=kong');
  });

  it('refuses a connection without a client certificate', async () => {
    const { cert: _cert, key: _key, ...sslWithoutCert } = mtlsConfig(server!, pki!).ssl as pg.ClientConfig['ssl'] & object;
    await expect(withClient({ ...mtlsConfig(server!, pki!), ssl: sslWithoutCert }, (c) => c.query('select 1'))).rejects.toThrow(
      /connection requires a valid client certificate/,
    );
  });

  it('still accepts the client with a CRL that revokes only another certificate', async () => {
    await server!.reconfigure({
      tls: { certPem: pki!.server.certPem, keyPem: pki!.server.keyPem, caPem: pki!.clientTrustPem, crlPem: await pki!.crlRevoking([pki!.server.certPem]) },
    });
    const row = await withClient(mtlsConfig(server!, pki!), async (c) => (await c.query<SslRow>(sslQuery)).rows[0]);
    expect(row.client_dn).toBe('/CN=kong');
  });

  it('refuses the client once ssl_crl_file revokes its certificate', async () => {
    await server!.reconfigure({
      tls: { certPem: pki!.server.certPem, keyPem: pki!.server.keyPem, caPem: pki!.clientTrustPem, crlPem: await pki!.crlRevoking([pki!.client.certPem]) },
    });
    // TLS 1.2 so the server's alert arrives inside the handshake: under TLS 1.3 the client may finish first
    // and see only a reset connection. The alert names the reason; PostgreSQL 15's own log line does not.
    const config = mtlsConfig(server!, pki!);
    const tls12 = { ...config, ssl: { ...(config.ssl as object), maxVersion: 'TLSv1.2' as const } };
    const refusal = await withClient(tls12, (c) => c.query('select 1')).then(() => undefined, (err: Error) => err);
    expect(refusal?.message).toMatch(/certificate revoked/);
    expect(server!.log()).toMatch(/could not accept SSL connection: certificate verify failed/);
  });

  it('runs SQL as the superuser over the unix socket', async () => {
    expect(await server!.superQuery("select rolname from pg_roles where rolname = 'kong'")).toBe('kong');
    expect(await server!.superQuery("select pg_get_userbyid(datdba) from pg_database where datname = 'kong'")).toBe('kong');
  });
});

describe('PostgreSQL without TLS', () => {
  let server: PgServer | undefined;

  beforeAll(async () => {
    server = await startPostgres({ ssl: false, users: [{ name: 'kong', password: 's3cret' }] });
  });

  afterAll(async () => {
    await server?.destroy();
  });

  const config = (password: string): pg.ClientConfig => ({
    host: server!.host, port: server!.port, user: 'kong', database: 'kong', password, ssl: false,
  });

  it('accepts the SCRAM password in plaintext', async () => {
    const row = await withClient(config('s3cret'), async (c) => (await c.query<SslRow>(sslQuery)).rows[0]);
    expect(row.ssl).toBe(false);
  });

  it('refuses a wrong password', async () => {
    await expect(withClient(config('wrong'), (c) => c.query('select 1'))).rejects.toThrow(/password authentication failed for user "kong"/);
  });

  it('refuses SSL when the client insists on it', async () => {
    await expect(withClient({ ...config('s3cret'), ssl: { rejectUnauthorized: false } }, (c) => c.query('select 1'))).rejects.toThrow(
      /does not support SSL/,
    );
  });

  it('stores passwords as SCRAM-SHA-256', async () => {
    expect(await server!.superQuery("select left(rolpassword, 13) from pg_authid where rolname = 'kong'")).toBe('SCRAM-SHA-256');
  });
});

describe('destroy', () => {
  it('stops the server and removes its directory', async () => {
    const server = await startPostgres({ users: [], databases: [] });
    const { existsSync } = await import('node:fs');
    expect(existsSync(server.dataDir)).toBe(true);
    await server.destroy();
    expect(existsSync(server.baseDir)).toBe(false);
    await expect(withClient({ host: server.host, port: server.port, user: 'kong', password: 'x', connectionTimeoutMillis: 2000 }, (c) => c.query('select 1'))).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('PostgreSQL with hostssl scram-sha-256 and a TLS 1.3 minimum', () => {
  let pki: PkiFixture | undefined;
  let server: PgServer | undefined;

  beforeAll(async () => {
    pki = await makeInProcessPki('direct', { keyType: 'ec' });
    server = await startPostgres({
      tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, minProtocol: 'TLSv1.3' },
      hba: ['hostssl all all 127.0.0.1/32 scram-sha-256'],
    });
  });

  afterAll(async () => {
    await server?.destroy();
    pki?.cleanup();
  });

  const config = (ssl: pg.ClientConfig['ssl']): pg.ClientConfig => ({
    host: server!.host, port: server!.port, user: 'kong', database: 'kong', password: 'kong', ssl,
  });

  it('writes the TLS settings into the server configuration', async () => {
    expect(await server!.superQuery('show ssl_min_protocol_version')).toBe('TLSv1.3');
    expect(await server!.superQuery('show ssl_cert_file')).toBe(`${server!.dataDir}/tls/server.crt`);
    expect(await server!.superQuery('show password_encryption')).toBe('scram-sha-256');
  });

  it('accepts a verified TLS 1.3 client with the default password', async () => {
    const row = await withClient(config({ ca: pki!.serverTrustPem, rejectUnauthorized: true }), async (c) => (await c.query<SslRow>(sslQuery)).rows[0]);
    expect(row).toEqual({ ssl: true, version: 'TLSv1.3', client_dn: null });
  });

  it('refuses a client capped at TLS 1.2', async () => {
    await expect(
      withClient(config({ ca: pki!.serverTrustPem, rejectUnauthorized: true, maxVersion: 'TLSv1.2' }), (c) => c.query('select 1')),
    ).rejects.toThrow(/protocol version|unsupported protocol/);
  });

  it('refuses plaintext because only hostssl is allowed', async () => {
    await expect(withClient(config(false), (c) => c.query('select 1'))).rejects.toThrow(/no pg_hba.conf entry .* no encryption/);
  });

  it('rejects a broken pg_hba.conf line on reconfigure instead of silently keeping the old one', async () => {
    await expect(server!.reconfigure({ hba: ['hostssl all all 127.0.0.1/32 no-such-method'] })).rejects.toThrow(/pg_hba\.conf rejected/);
    // The previous files are back in place: a reload keeps accepting the same client.
    await server!.reconfigure({});
    const row = await withClient(config({ ca: pki!.serverTrustPem, rejectUnauthorized: true }), async (c) => (await c.query<SslRow>(sslQuery)).rows[0]);
    expect(row.ssl).toBe(true);
  });
});
