import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../harness/cli.js';
import { startPostgres } from '../harness/postgres.js';
import type { PgServer } from '../harness/postgres.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `sb-cli-${name}-`));

describe('silverback CLI against a real PostgreSQL', () => {
  let pg: PgServer;
  let prefix: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    pg = await startPostgres();
    prefix = tmp('pg');
    const [proxy, admin] = [await freePort(), await freePort()];
    env = {
      KONG_PREFIX: prefix,
      KONG_DATABASE: 'postgres',
      KONG_PG_HOST: '127.0.0.1',
      KONG_PG_PORT: String(pg.port),
      KONG_PG_USER: 'kong',
      KONG_PG_PASSWORD: 'kong',
      KONG_PG_DATABASE: 'kong',
      KONG_PROXY_LISTEN: `127.0.0.1:${proxy}`,
      KONG_ADMIN_LISTEN: `127.0.0.1:${admin}`,
      KONG_STATUS_LISTEN: 'off',
    };
  });

  afterAll(async () => {
    await runCli(['stop'], env).catch(() => undefined);
    await pg?.destroy();
    rmSync(prefix, { recursive: true, force: true });
  });

  it('lists, bootstraps, starts, reports health and stops as Kong does', async () => {
    const before = await runCli(['migrations', 'list'], env);
    expect(before.code).toBe(3);
    expect(before.stdout).toContain('Database needs bootstrapping');

    const start0 = await runCli(['start'], env);
    expect(start0.code).toBe(1);
    expect(start0.stderr).toContain('Database needs bootstrapping or is older than Kong 1.0.');

    const boot = await runCli(['migrations', 'bootstrap'], env);
    expect(boot.stderr).toBe('');
    expect(boot.code).toBe(0);
    expect(boot.stdout).toContain('Database is up-to-date');

    expect((await runCli(['migrations', 'bootstrap'], env)).stdout).toContain('Database already bootstrapped');
    expect((await runCli(['migrations', 'list'], env)).code).toBe(0);

    const start = await runCli(['start'], env);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const admin = env.KONG_ADMIN_LISTEN;
    const root = (await (await fetch(`http://${admin}/`)).json()) as { configuration: Record<string, unknown>; node_id: string };
    expect(root.configuration.pg_password).toBe('******');
    expect(root.node_id).toMatch(/^[0-9a-f-]{36}$/);
    const status = (await (await fetch(`http://${admin}/status`)).json()) as { database: { reachable: boolean } };
    expect(status.database.reachable).toBe(true);

    const again = await runCli(['start'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Kong is already running in ${prefix}`);

    const health = await runCli(['health'], env);
    expect(health.code).toBe(0);
    expect(health.stdout).toContain(`Kong is healthy at ${prefix}`);

    expect((await runCli(['stop'], env)).code).toBe(0);
    const after = await runCli(['health'], env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain(`Kong is not running at ${prefix}`);
  });

  it('resets only with --yes when not interactive', async () => {
    const refused = await runCli(['migrations', 'reset'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not a tty: invoke 'reset' non-interactively with the --yes flag");
    const done = await runCli(['migrations', 'reset', '--yes'], env);
    expect(done.stdout).toContain('Database successfully reset');
    expect((await runCli(['migrations', 'list'], env)).code).toBe(3);
    const nothing = await runCli(['migrations', 'reset', '--yes'], env);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('Database not bootstrapped, nothing to reset');
  });

  it('names an unreachable server in Kong form with a hint, without a stack trace', async () => {
    const port = await freePort();
    const r = await runCli(['migrations', 'list'], { ...env, KONG_PG_PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: [PostgreSQL error] failed to retrieve PostgreSQL server_version_num: connection refused');
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a wrong password in PostgreSQL words', async () => {
    const r = await runCli(['migrations', 'list'], { ...env, KONG_PG_PASSWORD: 'wrong' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('password authentication failed for user "kong"');
  });
});

describe('silverback CLI without a database server', () => {
  it('check lists every invalid setting and exits 1', async () => {
    const dir = tmp('check');
    const conf = join(dir, 'kong.conf');
    writeFileSync(conf, 'database = postgres\npg_ssl = yes\npg_port = abc\n');
    const r = await runCli(['check', conf]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("[error] pg_ssl: invalid boolean 'yes' (on, off, true or false)");
    expect(r.stderr).toContain("[error] pg_port: invalid integer 'abc'");
    writeFileSync(conf, 'database = off\n');
    const ok = await runCli(['check', conf]);
    expect(ok.stdout).toContain(`configuration at ${conf} is valid`);
    expect(ok.code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('start refuses invalid configuration before starting anything', async () => {
    const prefix = tmp('bad');
    const r = await runCli(['start'], { KONG_PREFIX: prefix, KONG_LOG_LEVEL: 'loud' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("log_level: invalid value 'loud'");
    rmSync(prefix, { recursive: true, force: true });
  });

  it('names the listener and setting when a port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()));
    const port = (blocker.address() as { port: number }).port;
    const prefix = tmp('busy');
    const r = await runCli(['start', '--foreground'], {
      KONG_PREFIX: prefix,
      KONG_DATABASE: 'off',
      KONG_ADMIN_LISTEN: `127.0.0.1:${port}`,
      KONG_PROXY_LISTEN: 'off',
      KONG_STATUS_LISTEN: 'off',
    });
    blocker.close();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: admin_listen: 127.0.0.1:${port} is already in use`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    rmSync(prefix, { recursive: true, force: true });
  });

  it('unknown commands print usage and exit 1', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Usage: silverback');
  });

  it('starts on the embedded datastore and serves GET / with no external server', async () => {
    const prefix = tmp('embedded');
    const admin = `127.0.0.1:${await freePort()}`;
    const env = { KONG_PREFIX: prefix, KONG_ADMIN_LISTEN: admin, KONG_PROXY_LISTEN: `127.0.0.1:${await freePort()}`, KONG_STATUS_LISTEN: 'off' };
    const r = await runCli(['start'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = (await (await fetch(`http://${admin}/`)).json()) as { configuration: { database: string } };
    expect(body.configuration.database).toBe('embedded');
    expect((await runCli(['stop'], env)).code).toBe(0);
    rmSync(prefix, { recursive: true, force: true });
  });
});
