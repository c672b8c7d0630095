import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { renderConfigurationDoc } from './docs.js';
import { loadConfig, pgLinkSettings, redactConfig } from './index.js';
import { parseConfFile } from './parse-file.js';

function confFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-conf-'));
  const path = join(dir, 'kong.conf');
  writeFileSync(path, text);
  return path;
}

function load(text: string, env: Record<string, string> = {}, flags = {}) {
  return loadConfig({ confPath: confFile(text), env, flags, defaultPaths: [] });
}

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('kong.conf parsing', () => {
  it('handles comments, escaped #, quotes, dashes and duplicates', () => {
    const parsed = parseConfFile(
      [
        '# a comment',
        '  ; another',
        'pg-host = db.example.com   # trailing comment',
        "pg_password = 'sec\\#ret'",
        'pg_user = "kong"',
        'pg_database = first',
        'pg_database = second',
        'garbage line',
      ].join('\n'),
    );
    expect(parsed.entries.get('pg_host')?.value).toBe('db.example.com');
    expect(parsed.entries.get('pg_password')?.value).toBe('sec#ret');
    expect(parsed.entries.get('pg_user')?.value).toBe('kong');
    expect(parsed.entries.get('pg_database')?.value).toBe('second');
    expect(parsed.malformed).toEqual([{ line: 8, text: 'garbage line' }]);
  });

  it("accepts the seed's kong.conf lines as they are, quotes included", () => {
    const { config } = load(
      [
        'database = postgres',
        'pg_ssl = on',
        'pg_ssl_required = on',
        'pg_ssl_verify = on',
        'pg_ssl_version = tlsv1_2',
        'lua_ssl_trusted_certificate = system,/path/to/ca/chain.crt',
        'lua_ssl_verify_depth = 1',
        "pg_ssl_cert = '/path/to/client.crt'",
        "pg_ssl_cert_key = '/path/to/client.key'",
      ].join('\n'),
    );
    expect(config.pg_ssl).toBe(true);
    expect(config.pg_ssl_required).toBe(true);
    expect(config.pg_ssl_verify).toBe(true);
    expect(config.pg_ssl_version).toBe('tlsv1_2');
    expect(config.lua_ssl_trusted_certificate).toEqual(['system', '/path/to/ca/chain.crt']);
    expect(config.lua_ssl_verify_depth).toBe(1);
    expect(config.pg_ssl_cert).toBe('/path/to/client.crt');
    expect(config.pg_ssl_cert_key).toBe('/path/to/client.key');
  });

  it('has the documented defaults', () => {
    const { config } = loadConfig({ env: {}, defaultPaths: [] });
    expect(config.database).toBe('embedded');
    expect(config.pg_port).toBe(5432);
    expect(config.pg_ssl).toBe(false);
    expect(config.pg_ssl_version).toBe('tlsv1_2');
    expect(config.lua_ssl_trusted_certificate).toEqual(['system']);
    expect(config.lua_ssl_verify_depth).toBe(1);
    expect(config.admin_listen[0]).toBe('127.0.0.1:8001 reuseport backlog=16384');
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('values', () => {
  it('rejects booleans Kong would silently read as off', () => {
    const err = errorOf(() => load('database = postgres\npg_ssl = yes'));
    expect(err.message).toContain("pg_ssl: invalid boolean 'yes' (on, off, true or false)");
  });
  it('accepts booleans in any case', () => {
    expect(load('database = postgres\npg_ssl = ON').config.pg_ssl).toBe(true);
    expect(load('database = postgres\npg_ssl = False').config.pg_ssl).toBe(false);
  });
  it('never coerces strings to numbers', () => {
    expect(load('database = postgres\npg_password = 0123').config.pg_password).toBe('0123');
  });
  it('rejects non-numbers and reports every error at once', () => {
    const err = errorOf(() => load('database = postgres\npg_port = abc\npg_timeout = -5\nlog_level = loud'));
    expect(err.message).toContain('3 configuration errors');
    expect(err.message).toContain("pg_port: invalid integer 'abc'");
    expect(err.message).toContain('pg_timeout: -5 is too small');
    expect(err.message).toContain("log_level: invalid value 'loud'");
  });
  it("names Kong's old tlsv1 value and its fix", () => {
    const err = errorOf(() => load('database = postgres\npg_ssl_version = tlsv1'));
    expect(err.message).toMatch(/pg_ssl_version: invalid value 'tlsv1' \(tlsv1_1, tlsv1_2, tlsv1_3, any; 'tlsv1' was Kong's old value, use tlsv1_2\)/);
  });
  it('never prints secrets', () => {
    const err = errorOf(() => loadConfig({ env: { KONG_DATABASE: 'postgres', KONG_PG_PASSWORD: 's3cret', KONG_PG_PORT: 'x' }, defaultPaths: [] }));
    expect(err.message).not.toContain('s3cret');
    const { config } = loadConfig({ env: { KONG_DATABASE: 'postgres', KONG_PG_PASSWORD: 's3cret' }, defaultPaths: [] });
    expect(JSON.stringify(redactConfig(config))).not.toContain('s3cret');
    expect(redactConfig(config).pg_password).toBe('******');
  });
  it('warns about unknown keys and names ignored Kong keys', () => {
    const { warnings } = load('database = postgres\nnginx_worker_connections = 10\nmystery_key = 1');
    expect(warnings.some((w) => w.startsWith('nginx_worker_connections: Kong setting not used'))).toBe(true);
    expect(warnings.some((w) => w.startsWith('mystery_key: unknown setting'))).toBe(true);
  });
});

describe('precedence and rules', () => {
  it('defaults < file < env < flags', () => {
    const path = confFile('database = postgres\npg_host = from-file\npg_port = 1111\npg_user = fileuser');
    const { config } = loadConfig({
      confPath: path,
      env: { KONG_PG_HOST: 'from-env', KONG_PG_PORT: '2222' },
      flags: { pg_port: '3333' },
      defaultPaths: [],
    });
    expect(config.pg_user).toBe('fileuser');
    expect(config.pg_host).toBe('from-env');
    expect(config.pg_port).toBe(3333);
    expect(config.sources.pg_port).toBe('flag');
  });
  it('reads the first default path when -c is absent', () => {
    const path = confFile('database = off');
    expect(loadConfig({ env: {}, defaultPaths: ['/nonexistent/kong.conf', path] }).config.database).toBe('off');
  });
  it('fails when -c names a missing file', () => {
    expect(errorOf(() => loadConfig({ confPath: '/nonexistent/kong.conf', env: {} })).message).toBe('no file at: /nonexistent/kong.conf');
  });
  it('asks for database = postgres when pg_* is set with the default database', () => {
    const err = errorOf(() => loadConfig({ env: { KONG_PG_HOST: 'db' }, defaultPaths: [] }));
    expect(err.message).toContain('pg_host: set, but database is not (set database = postgres');
  });
  it('requires the client key with the client certificate', () => {
    const err = errorOf(() => load("database = postgres\npg_ssl_cert = '/x/client.crt'"));
    expect(err.message).toContain('pg_ssl_cert: set without pg_ssl_cert_key');
  });
  it('intersects pg_ssl_version with lua_ssl_protocols', () => {
    const err = errorOf(() => load('database = postgres\npg_ssl_version = tlsv1_3\nlua_ssl_protocols = TLSv1.2'));
    expect(err.message).toContain("pg_ssl_version: tlsv1_3 is not allowed by lua_ssl_protocols 'TLSv1.2'");
  });
  it('validates listeners', () => {
    const err = errorOf(() => load('admin_listen = localhost'));
    expect(err.message).toContain("admin_listen: invalid listener 'localhost'");
  });
  it('lets every unset pg_ro_* inherit, TLS settings included', () => {
    const { config } = load('database = postgres\npg_ssl = on\npg_ssl_verify = on\npg_ro_host = replica\npg_port = 6000\npg_ro_user = reader');
    const ro = pgLinkSettings(config, 'replica');
    expect(ro).toMatchObject({ host: 'replica', port: 6000, user: 'reader', ssl: true, sslVerify: true, sslVersion: 'tlsv1_2' });
    expect(pgLinkSettings(load('database = postgres').config, 'replica')).toBeNull();
  });
});

describe('docs/configuration.md', () => {
  it('is the rendering of the defaults table (run `npm run docs` after changing it)', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderConfigurationDoc());
  });
});
