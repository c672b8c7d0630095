import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, ErrorCode } from '../errors.js';
import { createLayout, type LayoutResult } from './layout.js';
import {
  keyMatchesCertificate, readCertificateFile, readCertificates, readPemFile, readPrivateKey, readPrivateKeyFile, splitCertificatePems,
} from './pem.js';

let rsa: LayoutResult;
let ec: LayoutResult;
let dir: string;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([createLayout({ layout: 'intermediate' }), createLayout({ layout: 'direct', keyType: 'ec' })]);
  dir = mkdtempSync(join(tmpdir(), 'silverback-pem-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

describe('readCertificates', () => {
  it('splits a bundle in file order, ignoring text between blocks', () => {
    const bundle = `subject=whatever\n${rsa.server.certPem}\n# comment\n${rsa.chainPem}`;
    expect(splitCertificatePems(bundle)).toHaveLength(3);
    expect(readCertificates(bundle).map((c) => c.subject)).toEqual([
      'CN=localhost', 'CN=intermediate.yourdomain.com', 'CN=root.yourdomain.com',
    ]);
    expect(readCertificates(rsa.server.keyPem)).toEqual([]);
  });

  it('names the broken certificate', () => {
    const broken = rsa.server.certPem + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(thrown(() => readCertificates(broken, 'server.crt')).message).toMatch(/^server\.crt: certificate #2 cannot be parsed/);
  });
});

describe('keys', () => {
  it('matches a certificate with its own key only', () => {
    expect(keyMatchesCertificate(rsa.server.certPem, rsa.server.keyPem)).toBe(true);
    expect(keyMatchesCertificate(rsa.server.certPem, rsa.client.keyPem)).toBe(false);
    expect(keyMatchesCertificate(rsa.server.certPem, ec.server.keyPem)).toBe(false);
    expect(keyMatchesCertificate(ec.client.certPem, ec.client.keyPem)).toBe(true);
  });

  it('uses the first certificate of a bundle (the leaf) for the match', () => {
    expect(keyMatchesCertificate(rsa.server.certPem + rsa.chainPem, rsa.server.keyPem)).toBe(true);
    expect(keyMatchesCertificate(rsa.chainPem, rsa.server.keyPem)).toBe(false);
  });

  it('reads PKCS#1 and SEC1 keys as openssl writes them', () => {
    const pkcs1 = createPrivateKey(rsa.client.keyPem).export({ format: 'pem', type: 'pkcs1' }).toString();
    const sec1 = createPrivateKey(ec.client.keyPem).export({ format: 'pem', type: 'sec1' }).toString();
    expect(pkcs1).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect(keyMatchesCertificate(rsa.client.certPem, pkcs1)).toBe(true);
    expect(keyMatchesCertificate(ec.client.certPem, sec1)).toBe(true);
  });

  it('refuses an encrypted key and text without a key', () => {
    const encrypted = createPrivateKey(ec.client.keyPem)
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    expect(thrown(() => readPrivateKey(encrypted, 'client.key')).message).toMatch(/^client\.key: the private key is encrypted/);
    expect(thrown(() => readPrivateKey(rsa.client.certPem, 'client.key')).message).toMatch(/^client\.key: no PEM private key found/);
  });
});

describe('file readers', () => {
  it('name the path when missing, empty, a directory, or without certificates', () => {
    const missing = join(dir, 'missing.crt');
    const empty = join(dir, 'empty.crt');
    const keyOnly = join(dir, 'key-only.crt');
    const sub = join(dir, 'sub');
    writeFileSync(empty, '  \n');
    writeFileSync(keyOnly, rsa.client.keyPem);
    mkdirSync(sub);
    const e1 = thrown(() => readPemFile(missing, 'pg_ssl_cert file'));
    expect(e1.code).toBe(ErrorCode.CONFIG);
    expect(e1.message).toBe(`pg_ssl_cert file '${missing}' does not exist (check the path and its permissions)`);
    expect(thrown(() => readPemFile(empty)).message).toBe(`PEM file '${empty}' is empty (expected PEM text)`);
    expect(thrown(() => readPemFile(sub)).message).toContain(`'${sub}' is a directory`);
    expect(thrown(() => readCertificateFile(keyOnly)).message).toContain(`certificate file '${keyOnly}' contains no PEM certificate`);
  });

  it('reports an unreadable file when not running as root', () => {
    const locked = join(dir, 'locked.key');
    writeFileSync(locked, ec.client.keyPem);
    chmodSync(locked, 0o000);
    if (process.getuid?.() === 0) {
      // root reads through file modes; the reader must still work.
      expect(readPrivateKeyFile(locked).key.asymmetricKeyType).toBe('ec');
    } else {
      expect(thrown(() => readPrivateKeyFile(locked)).message).toContain('is not readable (permission denied)');
    }
  });

  it('returns text and parsed content', () => {
    const path = join(dir, 'server.crt');
    writeFileSync(path, rsa.server.certPem + rsa.chainPem);
    expect(readCertificateFile(path).certificates).toHaveLength(3);
  });
});
