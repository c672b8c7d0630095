/** `silverback config …` run in-process (the commands are plain async functions; output captured). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configCommand } from '../../src/cli/config.js';
import { migrationsCommand } from '../../src/cli/migrations.js';
import { GatewayError } from '../../src/errors.js';
import { parseDeclarative } from '../../src/declarative/index.js';
import { tempDir } from './fixtures.js';

const dir = tempDir('cli');
let stdout = '';
let stderr = '';

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => dir.remove());

const flags = (prefix: string) => ({ prefix });

describe('config init and parse', () => {
  it('init writes a commented example that parses, and never overwrites', async () => {
    const file = join(dir.path, 'kong.yml');
    expect(await configCommand('init', file, {})).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('_format_version: "3.0"');
    expect(await configCommand('parse', file, flags(join(dir.path, 'p0')))).toBe(0);
    expect(stdout).toContain('parse successful');
    await expect(configCommand('init', file, {})).rejects.toThrow(/already exists\. Will not overwrite it\./);
  });

  it('parse exits 1 listing every error with its path', async () => {
    const file = join(dir.path, 'bad.yml');
    writeFileSync(file, '_format_version: "3.0"\nservices:\n- name: a\n  port: -1\n  routes:\n  - name: r\n    paths: [x]\nroutes:\n- name: r2\n  service: ghost\n  paths: [/]\n');
    expect(await configCommand('parse', file, flags(join(dir.path, 'p1')))).toBe(1);
    expect(stderr).toContain(`Error: Failed parsing ${file}: 4 errors`);
    expect(stderr).toContain("services[0].host (service 'a'): required field missing");
    expect(stderr).toContain("services[0].port (service 'a'): value should be between 0 and 65535");
    expect(stderr).toContain("services[0].routes[0].paths[0] (route 'r'): should start with: / (fixed path) or ~/ (regex path)");
    expect(stderr).toContain("routes[0] (route 'r2'): invalid reference 'service: ghost' (no such entry in 'services')");
  });

  it('rejects an unknown subcommand and db_import in DB-less mode with a hint', async () => {
    await expect(configCommand('frobnicate', undefined, {})).rejects.toBeInstanceOf(GatewayError);
    const file = join(dir.path, 'kong.yml');
    const prev = process.env.KONG_DATABASE;
    process.env.KONG_DATABASE = 'off';
    try {
      await expect(configCommand('db_import', file, flags(join(dir.path, 'p2')))).rejects.toThrow(/only works with a database/);
    } finally {
      if (prev === undefined) delete process.env.KONG_DATABASE;
      else process.env.KONG_DATABASE = prev;
    }
  });
});

describe('config db_import and db_export on the embedded store', () => {
  it('imports, then exports a file that parses back to the same rows', async () => {
    const prefix = join(dir.path, 'embedded');
    expect(await migrationsCommand('bootstrap', { prefix, quiet: true })).toBe(0);
    const file = join(dir.path, 'import.yml');
    writeFileSync(file, '_format_version: "3.0"\nservices:\n- name: svc\n  url: http://example.test\n  routes:\n  - name: r\n    paths: [/r]\n');
    expect(await configCommand('db_import', file, flags(prefix))).toBe(0);
    expect(stdout).toContain('parse successful, beginning import');
    expect(stdout).toContain('import successful (2 entities)');
    const out = join(dir.path, 'export.yml');
    expect(await configCommand('db_export', out, flags(prefix))).toBe(0);
    expect(existsSync(out)).toBe(true);
    const exported = parseDeclarative(readFileSync(out, 'utf8'));
    const original = parseDeclarative(readFileSync(file, 'utf8'));
    expect(exported.rows.routes.map((r) => [r.id, r.name, r.paths])).toEqual(original.rows.routes.map((r) => [r.id, r.name, r.paths]));
    await expect(configCommand('db_export', out, flags(prefix))).rejects.toThrow(/already exists/);
  }, 120_000);
});
