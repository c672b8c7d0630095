import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { CertificateAndKey } from '../../src/pki/index.js';
import type { PgServer } from '../harness/postgres.js';

/** A temp directory for certificate files; rm() removes it. */
export function tempDir(prefix: string): { dir: string; write(name: string, text: string, mode?: number): string; rm(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text, mode = 0o644) {
      const path = join(dir, name);
      writeFileSync(path, text, { mode });
      return path;
    },
    rm: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes a certificate and its key (0600) as `<name>.crt` / `<name>.key`. */
export function writePair(files: ReturnType<typeof tempDir>, name: string, pair: CertificateAndKey): { crt: string; key: string } {
  return { crt: files.write(`${name}.crt`, pair.certPem), key: files.write(`${name}.key`, pair.keyPem, 0o600) };
}

/** The Config the CLI would build from these KONG_* variables (no kong.conf). */
export function configFor(server: { host: string; port: number } | PgServer, env: Record<string, string>): Config {
  return loadConfig({
    env: { KONG_DATABASE: 'postgres', KONG_PG_HOST: server.host, KONG_PG_PORT: String(server.port), KONG_PG_TIMEOUT: '5000', ...env },
    defaultPaths: [],
  }).config;
}

/** Environment for the built CLI: KONG_* variables. */
export function envFor(server: { host: string; port: number }, env: Record<string, string>): Record<string, string> {
  return { KONG_DATABASE: 'postgres', KONG_PG_HOST: server.host, KONG_PG_PORT: String(server.port), ...env };
}
