import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServerUser, runAsServerUser, type RunResult, type ServerUser } from './os-user.js';

/**
 * A real PostgreSQL 15 server for tests: its own data directory, a loopback port, TLS material
 * copied into the data directory (PostgreSQL insists the key is owned by it and 0600).
 */

export const PG_BIN = process.env.SILVERBACK_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type TlsProtocol = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface PgTls {
  certPem: string;
  keyPem: string;
  /** ssl_ca_file: CAs trusted for client certificates (needed for `cert` auth and clientcert=). */
  caPem?: string;
  /** ssl_crl_file. PostgreSQL checks every certificate of the client chain, so include a CRL per CA. */
  crlPem?: string;
  minProtocol?: TlsProtocol;
  maxProtocol?: TlsProtocol;
}

export interface PgUser {
  name: string;
  /** Stored as SCRAM-SHA-256. */
  password?: string;
  superuser?: boolean;
}

export interface PgDatabase {
  name: string;
  owner?: string;
}

export interface StartPostgresOptions {
  tls?: PgTls;
  /** pg_hba.conf lines after the superuser's local trust line. Default: `host all all 127.0.0.1/32 scram-sha-256`. */
  hba?: string[];
  /** Default: `kong` with password `kong`. */
  users?: PgUser[];
  /** Default: `kong`, owned by `kong` when that user exists. */
  databases?: (string | PgDatabase)[];
  /** ssl = on/off; on when tls is given. */
  ssl?: boolean;
  /** Extra postgresql.conf settings, written verbatim (quote strings yourself). */
  conf?: Record<string, string>;
}

export interface PgReconfigure {
  hba?: string[];
  /** New TLS material; null removes it (and turns ssl off unless `ssl` says otherwise). */
  tls?: PgTls | null;
  ssl?: boolean;
  /** Settings to add or change; null removes one. */
  conf?: Record<string, string | null>;
}

export interface PgServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly dataDir: string;
  readonly baseDir: string;
  readonly socketDir: string;
  /** The superuser role (named after the OS user, reachable over the unix socket only). */
  readonly superuser: string;
  /** Runs SQL as the superuser with psql -At over the unix socket; rejects with psql's stderr on error. */
  superQuery(sql: string, database?: string): Promise<string>;
  /** Rewrites the files, reloads, and waits until new connections see the new configuration. */
  reconfigure(changes: PgReconfigure): Promise<void>;
  /** The server log so far (connection refusals are logged with their reason). */
  log(): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export const DEFAULT_USERS: readonly PgUser[] = [{ name: 'kong', password: 'kong' }];
export const DEFAULT_HBA: readonly string[] = ['host all all 127.0.0.1/32 scram-sha-256'];

const live = new Set<PostgresInstance>();

// Last resort when a test forgets destroy() or the worker exits early: no server may outlive the run.
process.once('exit', () => {
  for (const server of live) server.destroySync();
});

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function confString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function describeRun(what: string, result: RunResult): string {
  return `${what} exited with ${result.code}: ${(result.stderr || result.stdout).trim()}`;
}

class PostgresInstance implements PgServer {
  readonly host = '127.0.0.1' as const;
  port = 0;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly superuser: string;
  private readonly logFile: string;
  private readonly tlsDir: string;
  private tls: PgTls | undefined;
  private ssl: boolean;
  private hba: string[];
  private extraConf: Record<string, string>;
  private generation = 0;
  private running = false;
  private destroyed = false;

  constructor(
    readonly baseDir: string,
    private readonly user: ServerUser,
    options: StartPostgresOptions,
  ) {
    this.dataDir = join(baseDir, 'data');
    this.socketDir = join(baseDir, 'sock');
    this.logFile = join(baseDir, 'server.log');
    this.tlsDir = join(this.dataDir, 'tls');
    this.superuser = user.name;
    this.tls = options.tls;
    this.ssl = options.ssl ?? options.tls !== undefined;
    this.hba = [...(options.hba ?? DEFAULT_HBA)];
    this.extraConf = { ...options.conf };
  }

  private own(path: string, mode: number): void {
    chmodSync(path, mode);
    if (this.user.switchUser) chownSync(path, this.user.uid, this.user.gid);
  }

  private writeOwned(path: string, content: string, mode: number): void {
    writeFileSync(path, content, { mode });
    this.own(path, mode);
  }

  private run(command: string, args: string[], input?: string): Promise<RunResult> {
    return runAsServerUser(this.user, join(PG_BIN, command), args, { cwd: this.baseDir, input });
  }

  async init(): Promise<void> {
    this.own(this.baseDir, 0o755);
    mkdirSync(this.socketDir);
    this.own(this.socketDir, 0o700);
    const initdb = await this.run('initdb', [
      '-D', this.dataDir, '-U', this.superuser, '--auth=trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C',
    ]);
    if (initdb.code !== 0) throw new Error(describeRun('initdb', initdb));
    mkdirSync(this.tlsDir);
    this.own(this.tlsDir, 0o700);
    // Later settings win in postgresql.conf, so our file, included last, overrides initdb's defaults.
    appendFileSync(join(this.dataDir, 'postgresql.conf'), "\ninclude 'silverback.conf'\n");
    this.writeFiles();
  }

  private writeFiles(): void {
    const conf: Record<string, string> = {
      listen_addresses: "'127.0.0.1'",
      port: String(this.port),
      unix_socket_directories: confString(this.socketDir),
      // Throwaway clusters: durability only costs time.
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '40',
      shared_buffers: "'16MB'",
      password_encryption: 'scram-sha-256',
      log_connections: 'on',
      log_line_prefix: "'%m [%p] '",
      ssl: this.ssl ? 'on' : 'off',
    };
    if (this.tls) {
      this.writeOwned(join(this.tlsDir, 'server.crt'), this.tls.certPem, 0o644);
      this.writeOwned(join(this.tlsDir, 'server.key'), this.tls.keyPem, 0o600);
      conf.ssl_cert_file = confString(join(this.tlsDir, 'server.crt'));
      conf.ssl_key_file = confString(join(this.tlsDir, 'server.key'));
      if (this.tls.caPem) {
        this.writeOwned(join(this.tlsDir, 'ca.crt'), this.tls.caPem, 0o644);
        conf.ssl_ca_file = confString(join(this.tlsDir, 'ca.crt'));
      }
      if (this.tls.crlPem) {
        this.writeOwned(join(this.tlsDir, 'crl.pem'), this.tls.crlPem, 0o644);
        conf.ssl_crl_file = confString(join(this.tlsDir, 'crl.pem'));
      }
      if (this.tls.minProtocol) conf.ssl_min_protocol_version = confString(this.tls.minProtocol);
      if (this.tls.maxProtocol) conf.ssl_max_protocol_version = confString(this.tls.maxProtocol);
    }
    Object.assign(conf, this.extraConf);
    // A marker setting lets reconfigure() tell when the postmaster has taken the new files.
    conf['silverback.generation'] = confString(String(++this.generation));
    const confText = Object.entries(conf).map(([k, v]) => `${k} = ${v}`).join('\n');
    this.writeOwned(join(this.dataDir, 'silverback.conf'), `${confText}\n`, 0o600);
    const hbaText = [`local all ${this.superuser} trust`, ...this.hba].join('\n');
    this.writeOwned(join(this.dataDir, 'pg_hba.conf'), `${hbaText}\n`, 0o600);
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  private logTail(fromOffset = 0, lines = 30): string {
    return this.log().slice(fromOffset).trim().split('\n').slice(-lines).join('\n');
  }

  async start(): Promise<void> {
    if (this.running) return;
    for (let attempt = 1; ; attempt++) {
      if (!this.port) {
        this.port = await freePort();
        this.writeFiles();
      }
      const logStart = this.log().length;
      const result = await this.run('pg_ctl', ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', '-s']);
      if (result.code === 0) break;
      const tail = this.logTail(logStart);
      // Another process took the port between freePort() and bind(): pick another.
      if (/could not (bind|create listen socket)/i.test(tail) && attempt < 5) {
        this.port = 0;
        continue;
      }
      throw new Error(`PostgreSQL failed to start on 127.0.0.1:${this.port}: ${describeRun('pg_ctl start', result)}\n--- server log ---\n${tail}`);
    }
    this.running = true;
    live.add(this);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const result = await this.run('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', '-s']);
    if (result.code !== 0 && existsSync(join(this.dataDir, 'postmaster.pid'))) {
      throw new Error(describeRun('pg_ctl stop', result));
    }
    this.running = false;
  }

  async superQuery(sql: string, database = 'postgres'): Promise<string> {
    const result = await this.run(
      'psql',
      ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', this.socketDir, '-p', String(this.port), '-U', this.superuser, '-d', database, '-f', '-'],
      sql,
    );
    if (result.code !== 0) throw new Error(`psql: ${result.stderr.trim() || `exit ${result.code}`}`);
    return result.stdout.replace(/\n$/, '');
  }

  async createRoles(users: PgUser[], databases: (string | PgDatabase)[]): Promise<void> {
    const statements = users.map((u) =>
      `CREATE ROLE ${quoteIdent(u.name)} LOGIN${u.superuser ? ' SUPERUSER' : ''}${u.password !== undefined ? ` PASSWORD ${quoteLiteral(u.password)}` : ''};`,
    );
    if (statements.length) await this.superQuery(statements.join('\n'));
    const defaultOwner = users.some((u) => u.name === 'kong') ? 'kong' : this.superuser;
    for (const db of databases) {
      const { name, owner } = typeof db === 'string' ? { name: db, owner: defaultOwner } : { owner: defaultOwner, ...db };
      // CREATE DATABASE cannot share a transaction with anything else.
      await this.superQuery(`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(owner)};`);
    }
  }

  async reconfigure(changes: PgReconfigure): Promise<void> {
    const previous = { hba: this.hba, tls: this.tls, ssl: this.ssl, extraConf: { ...this.extraConf } };
    try {
      await this.applyChanges(changes);
    } catch (err) {
      // Leave the files as the running server last loaded them, so the next test is not hit by our mistake.
      Object.assign(this, previous);
      this.writeFiles();
      throw err;
    }
  }

  private async applyChanges(changes: PgReconfigure): Promise<void> {
    if (changes.hba) this.hba = [...changes.hba];
    if (changes.tls !== undefined) {
      this.tls = changes.tls ?? undefined;
      for (const name of ['server.crt', 'server.key', 'ca.crt', 'crl.pem']) rmSync(join(this.tlsDir, name), { force: true });
      if (changes.ssl === undefined) this.ssl = this.tls !== undefined;
    }
    if (changes.ssl !== undefined) this.ssl = changes.ssl;
    for (const [key, value] of Object.entries(changes.conf ?? {})) {
      if (value === null) delete this.extraConf[key];
      else this.extraConf[key] = value;
    }
    this.writeFiles();
    if (!this.running) return;

    // Both views read the files on disk now, so mistakes surface here rather than as a silently kept old config.
    const hbaErrors = await this.superQuery('SELECT line_number || \': \' || error FROM pg_hba_file_rules WHERE error IS NOT NULL');
    if (hbaErrors) throw new Error(`pg_hba.conf rejected: ${hbaErrors}`);
    const confErrors = await this.superQuery("SELECT name || ': ' || error FROM pg_file_settings WHERE error IS NOT NULL");
    if (confErrors) throw new Error(`postgresql.conf rejected: ${confErrors}`);

    const logStart = this.log().length;
    const reload = await this.run('pg_ctl', ['reload', '-D', this.dataDir, '-s']);
    if (reload.code !== 0) throw new Error(describeRun('pg_ctl reload', reload));
    const wanted = String(this.generation);
    for (let i = 0; ; i++) {
      // Each psql is a new backend forked from the postmaster, so it sees what the postmaster has loaded.
      const seen = await this.superQuery("SELECT current_setting('silverback.generation', true)");
      if (seen === wanted) break;
      if (i >= 200) throw new Error(`PostgreSQL did not pick up the new configuration\n--- server log ---\n${this.logTail(logStart)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const newLog = this.log().slice(logStart);
    const refused = newLog.match(/^.*(?:was not reloaded|could not load|contains errors|not applied|cannot be changed without restarting).*$/m);
    if (refused) throw new Error(`PostgreSQL did not apply the new configuration: ${refused[0]}\n--- server log ---\n${this.logTail(logStart)}`);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    try {
      await this.stop();
    } catch {
      this.destroySync();
      return;
    }
    this.destroyed = true;
    live.delete(this);
    rmSync(this.baseDir, { recursive: true, force: true });
  }

  /** Synchronous teardown for the exit hook and failed stops: immediate shutdown, then remove the files. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      const [file, args] = this.user.switchUser
        ? ['runuser', ['-u', this.user.name, '--', join(PG_BIN, 'pg_ctl'), 'stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-s']]
        : [join(PG_BIN, 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-s']];
      spawnSync(file, args, { cwd: this.baseDir, stdio: 'ignore', timeout: 30_000 });
    }
    this.running = false;
    rmSync(this.baseDir, { recursive: true, force: true });
  }
}

/** Starts a fresh cluster; rejects with the server log when it cannot start. Always destroy() it. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PgServer> {
  if (!existsSync(join(PG_BIN, 'pg_ctl'))) {
    throw new Error(`PostgreSQL binaries not found in ${PG_BIN} (install postgresql-15 or set SILVERBACK_PG_BIN)`);
  }
  const user = ensureServerUser();
  const base = tmpdir();
  if ((statSync(base).mode & 0o001) === 0 && user.switchUser) {
    throw new Error(`${base} is not traversable by OS user ${user.name}; set TMPDIR to a directory it can enter (e.g. /tmp)`);
  }
  const server = new PostgresInstance(mkdtempSync(join(base, 'silverback-pg-')), user, options);
  try {
    await server.init();
    await server.start();
    await server.createRoles(options.users ?? [...DEFAULT_USERS], options.databases ?? ['kong']);
  } catch (err) {
    server.destroySync();
    throw err;
  }
  return server;
}
