import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, type Config } from '../../src/config/index.js';
import { isGatewayError } from '../../src/errors.js';
import { openPostgresDatastore, type PostgresDatastore } from '../../src/datastore/postgres/index.js';
import { createClientCertificate, createServerCertificate, type CertificateAndKey } from '../../src/pki/index.js';
import type { PkiFixture } from '../harness/pki-fixtures.js';
import type { PgServer } from '../harness/postgres.js';

const run = promisify(execFile);

/** A Config built the way the CLI builds it: KONG_* variables over defaults, no kong.conf. */
export function configFrom(server: PgServer, env: Record<string, string>): Config {
  return loadConfig({
    env: { KONG_DATABASE: 'postgres', KONG_PG_HOST: server.host, KONG_PG_PORT: String(server.port), KONG_PG_PASSWORD: 'kong', ...env },
    defaultPaths: [],
  }).config;
}

export interface Attempt {
  store?: PostgresDatastore;
  message?: string;
  hint?: string;
  warnings: string[];
}

/** Opens the datastore (pre-flight included); records the error line, hint and warnings. */
export async function attempt(config: Config): Promise<Attempt> {
  const warnings: string[] = [];
  try {
    const store = await openPostgresDatastore(config, { log: { warn: (m) => warnings.push(m) } });
    return { store, warnings };
  } catch (err) {
    if (!isGatewayError(err)) throw err;
    // The CLI prints exactly this; a stack trace must never be part of it.
    expectNoStack(err.toCliText());
    return { message: err.message, hint: err.hint, warnings };
  }
}

function expectNoStack(text: string): void {
  if (/\n\s+at /.test(text)) throw new Error(`CLI text carries a stack trace:\n${text}`);
}

export interface ServerSideView {
  ssl: boolean;
  version: string | null;
  clientDn: string | null;
  clientSerial: string | null;
  pid: number;
}

/** What the server itself says about this very connection (pg_stat_ssl for pg_backend_pid()). */
export async function serverView(store: PostgresDatastore, via: 'primary' | 'replica' = 'primary'): Promise<ServerSideView> {
  const sql = 'SELECT ssl, version, client_dn, client_serial::text AS client_serial, pid FROM pg_stat_ssl WHERE pid = pg_backend_pid()';
  const q = via === 'primary' ? store : store.reader;
  const { rows } = await q.query<{ ssl: boolean; version: string | null; client_dn: string | null; client_serial: string | null; pid: number }>(sql);
  const r = rows[0];
  return { ssl: r.ssl, version: r.version, clientDn: r.client_dn, clientSerial: r.client_serial, pid: r.pid };
}

/** Count of connections the server authorized for a user, from its log (log_connections = on). */
export function authorizedCount(server: PgServer, user = 'kong'): number {
  return server.log().split('\n').filter((l) => l.includes(`connection authorized: user=${user} `)).length;
}

/**
 * A further client certificate from the fixture's issuing CA, made by the same maker: the seed's
 * openssl commands for the seed PKI, src/pki for the in-process one.
 */
export async function issueClient(fixture: PkiFixture, name: string, cn: string): Promise<{ crt: string; key: string; pair: CertificateAndKey }> {
  const crt = join(fixture.dir, `${name}.crt`);
  const key = join(fixture.dir, `${name}.key`);
  const caName = fixture.layout === 'intermediate' ? 'intermediate' : 'root';
  if (fixture.maker === 'seed-openssl') {
    const opts = { cwd: fixture.dir };
    await run('openssl', ['req', '-new', '-utf8', '-nodes', '-subj', `/CN=${cn}`, '-config', '/etc/ssl/openssl.cnf', '-keyout', key, '-out', join(fixture.dir, `${name}.csr`)], opts);
    await run('chmod', ['og-rwx', key], opts);
    await run('openssl', ['x509', '-req', '-in', join(fixture.dir, `${name}.csr`), '-days', '365', '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', crt], opts);
  } else {
    const issuer = fixture.intermediate ?? fixture.root!;
    const made = await createClientCertificate({ issuer, cn });
    writeFileSync(crt, made.certPem);
    writeFileSync(key, made.keyPem, { mode: 0o600 });
  }
  return { crt, key, pair: { certPem: readFileSync(crt, 'utf8'), keyPem: readFileSync(key, 'utf8') } };
}

/** An expired server certificate from the fixture's issuing CA (in-process only: openssl cannot backdate). */
export async function expiredServer(fixture: PkiFixture): Promise<CertificateAndKey> {
  const issuer = fixture.intermediate ?? fixture.root!;
  const day = 86_400_000;
  return createServerCertificate({ issuer, names: ['dbhost.yourdomain.com'], notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) });
}

export function writeFile(dir: string, name: string, text: string, mode = 0o644): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode });
  return path;
}
