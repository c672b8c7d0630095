import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, ErrorCode } from '../errors.js';
import { createLayout, type LayoutResult } from './layout.js';
import { loadTrustStore } from './trust-store.js';

let l: LayoutResult;
let dir: string;
let chain: string;
beforeAll(async () => {
  l = await createLayout({ layout: 'intermediate', keyType: 'ec' });
  dir = mkdtempSync(join(tmpdir(), 'silverback-trust-test-'));
  chain = join(dir, 'chain.crt');
  writeFileSync(chain, l.chainPem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

describe('loadTrustStore', () => {
  it('loads every certificate of a file entry', () => {
    const store = loadTrustStore([chain]);
    expect(store.pems).toHaveLength(2);
    expect(store.certificates.map((c) => c.subject)).toEqual(['CN=intermediate.yourdomain.com', 'CN=root.yourdomain.com']);
    expect(store.sources).toEqual([{ entry: chain, path: chain, count: 2 }]);
  });

  it('resolves system to the first existing candidate bundle', () => {
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, l.root!.certPem);
    const store = loadTrustStore(['system', ` ${chain} `], { systemCandidates: [join(dir, 'nope.pem'), bundle, chain] });
    expect(store.sources).toEqual([
      { entry: 'system', path: bundle, count: 1 },
      { entry: chain, path: chain, count: 2 },
    ]);
    expect(store.pems).toHaveLength(3);
  });

  it('drops system with a note when no bundle exists', () => {
    const store = loadTrustStore(['system', chain], { systemCandidates: [join(dir, 'none-a.pem'), join(dir, 'none-b.pem')] });
    expect(store.sources.map((s) => s.entry)).toEqual([chain]);
    expect(store.notes).toHaveLength(1);
    expect(store.notes[0]).toMatch(/^lua_ssl_trusted_certificate: 'system' found no OS CA bundle/);
  });

  it('names a missing entry', () => {
    const missing = join(dir, 'missing.crt');
    const err = errorOf(() => loadTrustStore(['system', missing]));
    expect(err.code).toBe(ErrorCode.CONFIG);
    expect(err.message).toBe(`lua_ssl_trusted_certificate: '${missing}' does not exist (check the path, or use \`system\` for the OS bundle)`);
  });

  it('names an empty entry, one without certificates, and a directory', () => {
    const empty = join(dir, 'empty.crt');
    const keyOnly = join(dir, 'key.pem');
    const sub = join(dir, 'certs');
    writeFileSync(empty, '');
    writeFileSync(keyOnly, l.client.keyPem);
    mkdirSync(sub);
    expect(errorOf(() => loadTrustStore([empty])).message).toMatch(new RegExp(`^lua_ssl_trusted_certificate: '${empty}' is empty \\(`));
    expect(errorOf(() => loadTrustStore([keyOnly])).message).toMatch(
      new RegExp(`^lua_ssl_trusted_certificate: '${keyOnly}' contains no PEM certificate \\(expected "-----BEGIN CERTIFICATE-----"`),
    );
    expect(errorOf(() => loadTrustStore([sub])).message).toMatch(new RegExp(`^lua_ssl_trusted_certificate: '${sub}' is a directory`));
  });

  it('skips blank entries of a comma list', () => {
    expect(loadTrustStore(['', chain, ' ']).sources).toHaveLength(1);
  });
});
