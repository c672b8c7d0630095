import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { openPostgresDatastore } from '../../src/datastore/postgres/index.js';
import { isGatewayError } from '../../src/errors.js';
import { createLayout, readCrl } from '../../src/pki/index.js';
import { runCli } from '../harness/cli.js';
import { startPostgres, type PgServer } from '../harness/postgres.js';
import { tempDir } from '../doctor/fixtures.js';

/**
 * `silverback certs` end to end: the built CLI makes each of the seed's layouts, and a real
 * PostgreSQL 15 configured with exactly the printed lines accepts the gateway configured with
 * exactly the printed kong.conf lines, in both of the seed's mTLS modes.
 */

/** The indented lines under a printed heading, comments dropped. */
function section(stdout: string, heading: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no '${heading}' section in:\n${stdout}`);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    const text = line.trim();
    if (text && !text.startsWith('#')) out.push(text);
  }
  return out;
}

function settings(lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.map((l) => {
    const [key, ...rest] = l.split('=');
    return [key.trim(), rest.join('=').trim().replace(/^'(.*)'$/, '$1')];
  }));
}

async function serverSession(confPath: string) {
  const { config } = loadConfig({ confPath, env: {}, defaultPaths: [] });
  const store = await openPostgresDatastore(config, { log: { warn: () => undefined } });
  try {
    const { rows } = await store.query<{ ssl: boolean; client_dn: string | null; version: string }>(
      'SELECT ssl, client_dn, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    return rows[0];
  } finally {
    await store.close();
  }
}

describe('silverback certs (built CLI) with a real PostgreSQL', () => {
  let server: PgServer;
  const work = tempDir('silverback-certs-');

  beforeAll(async () => {
    // Started with TLS (any certificate): PostgreSQL refuses hostssl lines while ssl is off, so a reload could not add them.
    const initial = await createLayout({ layout: 'self-signed' });
    server = await startPostgres({ tls: { certPem: initial.server.certPem, keyPem: initial.server.keyPem }, hba: ['host all all 127.0.0.1/32 scram-sha-256'] });
  });
  afterAll(async () => {
    await server?.destroy();
    work.rm();
  });

  describe.each(['intermediate', 'direct', 'self-signed'] as const)('layout %s', (layout) => {
    const dir = join(work.dir, layout);
    let printed: string;

    beforeAll(async () => {
      const result = await runCli(['certs', 'create', '--layout', layout, '--out', dir]);
      expect(result.code, result.stderr).toBe(0);
      printed = result.stdout;
    });

    it('writes the seed file names with 0600 keys and absolute paths in every printed line', () => {
      const expected = layout === 'self-signed'
        ? ['server.crt', 'server.key', 'client.crt', 'client.key']
        : ['root.crt', 'root.key', 'server.crt', 'server.key', 'client.crt', 'client.key', 'chain.crt', ...(layout === 'intermediate' ? ['intermediate.crt', 'intermediate.key'] : [])];
      for (const name of expected) expect(existsSync(join(dir, name)), name).toBe(true);
      for (const name of expected.filter((n) => n.endsWith('.key'))) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
      const pgConf = settings(section(printed, 'postgresql.conf:'));
      expect(pgConf.ssl).toBe('on');
      for (const key of ['ssl_cert_file', 'ssl_key_file', 'ssl_ca_file']) expect(pgConf[key].startsWith('/')).toBe(true);
      const kong = settings(section(printed, 'kong.conf:'));
      expect(kong).toMatchObject({ database: 'postgres', pg_ssl: 'on', pg_ssl_required: 'on', pg_ssl_verify: 'on', pg_ssl_version: 'tlsv1_2' });
      expect(kong.lua_ssl_verify_depth).toBe(layout === 'intermediate' ? '1' : '0');
      expect(section(printed, 'pg_hba.conf (one of):')).toEqual([
        'hostssl all all all cert',
        'hostssl all all all trust clientcert=verify-full',
        'hostssl all all all scram-sha-256 clientcert=verify-full',
      ]);
      expect(printed).toMatch(/chmod 0600 .*server\.key/);
    });

    it.each(['hostssl all all all cert', 'hostssl all all all trust clientcert=verify-full'])('the printed lines connect with `%s`', async (hba) => {
      const pgConf = settings(section(printed, 'postgresql.conf:'));
      await server.reconfigure({
        tls: { certPem: readFileSync(pgConf.ssl_cert_file, 'utf8'), keyPem: readFileSync(pgConf.ssl_key_file, 'utf8'), caPem: readFileSync(pgConf.ssl_ca_file, 'utf8') },
        hba: [hba],
      });
      const conf = join(dir, 'kong.conf');
      writeFileSync(conf, [...section(printed, 'kong.conf:'), 'pg_host = 127.0.0.1', `pg_port = ${server.port}`, 'pg_ssl_verify_host = on', ''].join('\n'));
      const session = await serverSession(conf);
      expect(session).toMatchObject({ ssl: true, client_dn: '/CN=kong', version: 'TLSv1.2' });
    });
  });

  it('inspect: certificates, chain order, key match, and exit 1 for a chain out of order or a foreign key', async () => {
    const dir = join(work.dir, 'intermediate');
    const ok = await runCli(['certs', 'inspect', join(dir, 'chain.crt'), join(dir, 'client.crt'), '--key', join(dir, 'client.key')]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('in order (each certificate issued by the next); complete up to a self-signed root');
    expect(ok.stdout).toMatch(/client\.key: matches certificate #1/);
    expect(ok.stdout).toMatch(/SHA-256: +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(ok.stdout).toMatch(/SANs: +DNS:localhost, IP Address:127\.0\.0\.1|subject: +CN=intermediate/);

    const chain = readFileSync(join(dir, 'chain.crt'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    const reversed = work.write('reversed.crt', [...chain].reverse().join(''));
    const bad = await runCli(['certs', 'inspect', reversed]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('is a self-signed root but is not last');

    const foreignKey = await runCli(['certs', 'inspect', join(dir, 'client.crt'), '--key', join(work.dir, 'direct', 'client.key')]);
    expect(foreignKey.code).toBe(1);
    expect(foreignKey.stdout).toContain('is the key of none of these certificates');
  });

  it('revoke: the CRL bundle makes PostgreSQL refuse the revoked client, and inspect lists its serial', async () => {
    const dir = join(work.dir, 'intermediate');
    const revoked = await runCli(['certs', 'revoke', '--ca', dir, join(dir, 'client.crt')]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const crlPath = join(dir, 'crl.pem');
    expect(revoked.stdout).toContain(`ssl_crl_file = '${crlPath}'`);
    const crls = readCrl(readFileSync(crlPath, 'utf8'));
    expect(crls.map((c) => c.issuer).sort()).toEqual(['CN=intermediate.yourdomain.com', 'CN=root.yourdomain.com']);
    expect(crls.find((c) => c.issuer.startsWith('CN=intermediate'))!.revoked).toHaveLength(1);

    const created = await runCli(['certs', 'inspect', crlPath]);
    expect(created.stdout).toMatch(/revoked: +[0-9a-f]+/);

    const base = { certPem: readFileSync(join(dir, 'server.crt'), 'utf8'), keyPem: readFileSync(join(dir, 'server.key'), 'utf8'), caPem: readFileSync(join(dir, 'chain.crt'), 'utf8') };
    await server.reconfigure({ tls: { ...base, crlPem: readFileSync(crlPath, 'utf8') }, hba: ['hostssl all all all trust clientcert=verify-full'] });
    const conf = join(dir, 'kong.conf');
    let refusal = '';
    try {
      await serverSession(conf);
    } catch (e) {
      if (!isGatewayError(e)) throw e;
      refusal = `${e.message} / ${e.hint}`;
    }
    expect(refusal).toMatch(/certificate revoked/);
    expect(refusal).toContain('ssl_crl_file');
    // Without a certificate it only re-signs, keeping the list.
    const again = await runCli(['certs', 'revoke', '--ca', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('1 revoked');
  });
});
