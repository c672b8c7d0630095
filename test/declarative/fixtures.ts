/** Shared builders for declarative tests: files of any size, temp dirs that are always removed. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src/gateway/modules.js';
// The composition root does not register the bundled plugins yet; the declarative files here use them.
import '../../src/plugins/bundled-auth.js';
import '../../src/plugins/bundled-extra.js';

export function tempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `silverback-decl-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** `n` services, each with one route and one plugin: 3n entities, as the benchmark sizes them. */
export function bigConfig(n: number, upstreamUrl = 'http://127.0.0.1:9'): Record<string, unknown> {
  const services = [];
  for (let i = 0; i < n; i++) {
    services.push({
      name: `svc-${i}`,
      url: `${upstreamUrl}/s${i}`,
      routes: [{ name: `route-${i}`, paths: [`/r${i}`], hosts: [`h${i % 50}.example.test`] }],
      plugins: [{ name: 'request-size-limiting', config: { allowed_payload_size: 1 + (i % 100) } }],
    });
  }
  return { _format_version: '3.0', services };
}
