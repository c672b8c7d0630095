import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLayout, writeLayout, type LayoutResult } from './layout.js';
import { readCertificates } from './pem.js';

describe('writeLayout', () => {
  let intermediate: LayoutResult;
  let selfSigned: LayoutResult;
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'silverback-layout-test-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    intermediate = await createLayout({ layout: 'intermediate', keyType: 'ec' });
    selfSigned = await createLayout({ layout: 'self-signed', keyType: 'ec' });
  });
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes the seed file names, keys 0600, certificates 0644', () => {
    const dir = newDir();
    const files = writeLayout(dir, intermediate);
    expect(readdirSync(dir).sort()).toEqual([
      'chain.crt', 'client.crt', 'client.key', 'intermediate.crt', 'intermediate.key', 'root.crt', 'root.key', 'server.crt', 'server.key',
    ]);
    for (const name of ['root.key', 'intermediate.key', 'server.key', 'client.key']) {
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dir, 'server.crt')).mode & 0o777).toBe(0o644);
    expect(readFileSync(files['chain.crt']!, 'utf8')).toBe(intermediate.intermediates[0].certPem + intermediate.root!.certPem);
    expect(readFileSync(files['server.key']!, 'utf8')).toBe(intermediate.server.keyPem);
  });

  it('writes only server and client files for self-signed', () => {
    const dir = newDir();
    writeLayout(dir, selfSigned);
    expect(readdirSync(dir).sort()).toEqual(['client.crt', 'client.key', 'server.crt', 'server.key']);
  });

  it('appends the intermediate to server.crt and client.crt when asked', () => {
    const dir = newDir();
    writeLayout(dir, intermediate, { appendChain: true });
    const server = readCertificates(readFileSync(join(dir, 'server.crt'), 'utf8'));
    expect(server.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=intermediate.yourdomain.com']);
  });

  it('refuses to overwrite an existing key without force, naming the file and --force', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'client.key'), 'precious');
    expect(() => writeLayout(dir, intermediate)).toThrow(`refusing to overwrite existing key file '${join(dir, 'client.key')}' (use --force to replace it)`);
    expect(readFileSync(join(dir, 'client.key'), 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['client.key']);
  });

  it('overwrites with force and restores 0600 on a previously loose key', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'server.key'), 'old', { mode: 0o644 });
    writeLayout(dir, intermediate, { force: true });
    expect(readFileSync(join(dir, 'server.key'), 'utf8')).toBe(intermediate.server.keyPem);
    expect(statSync(join(dir, 'server.key')).mode & 0o777).toBe(0o600);
  });
});
