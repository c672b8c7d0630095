import { describe, it, expect, beforeAll } from 'vitest';
import { createRootCa, createServerCertificate, type CertificateAndKey } from '../../pki/index.js';
import { validateEntity } from '../index.js';
import { GatewayError } from '../../errors.js';

function violation(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a schema violation');
}

let rsaLeaf: CertificateAndKey;
let ecLeaf: CertificateAndKey;
let otherEc: CertificateAndKey;
let rootCa: CertificateAndKey;
let expiredCa: CertificateAndKey;

beforeAll(async () => {
  rootCa = await createRootCa({ keyType: 'ec' });
  rsaLeaf = await createServerCertificate({ names: ['rsa.test'], keyType: 'rsa', issuer: rootCa });
  ecLeaf = await createServerCertificate({ names: ['ec.test'], keyType: 'ec', issuer: rootCa });
  otherEc = await createServerCertificate({ names: ['other.test'], keyType: 'ec' });
  expiredCa = await createRootCa({ keyType: 'ec', notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
});

describe('certificates', () => {
  it('accepts a matching certificate and key', () => {
    const out = validateEntity('certificates', { cert: ecLeaf.certPem, key: ecLeaf.keyPem, snis: ['ec.test'] }, { operation: 'insert' });
    expect(out.cert).toBe(ecLeaf.certPem);
    expect(out.cert_alt).toBeNull();
    expect(out.snis).toEqual(['ec.test']);
  });

  it('rejects a key of another certificate', () => {
    const err = violation(() => validateEntity('certificates', { cert: ecLeaf.certPem, key: otherEc.keyPem }, { operation: 'insert' }));
    expect(err.fields).toEqual({ '@entity': ['certificate does not match key'] });
    expect(err.message).toBe('schema violation (certificate does not match key)');
  });

  it('reports unparsable PEM on the field and skips the match check', () => {
    const err = violation(() => validateEntity('certificates', { cert: 'nope', key: 'nope' }, { operation: 'insert' }));
    expect(err.fields?.cert).toMatch(/^invalid certificate: /);
    expect(err.fields?.key).toMatch(/^invalid key: /);
    expect(err.fields?.['@entity']).toBeUndefined();
  });

  it('requires cert_alt and key_alt together, of a different key type than cert', () => {
    const half = violation(() =>
      validateEntity('certificates', { cert: ecLeaf.certPem, key: ecLeaf.keyPem, cert_alt: rsaLeaf.certPem }, { operation: 'insert' }),
    );
    expect(half.fields?.['@entity']).toEqual(["all or none of these fields must be set: 'cert_alt', 'key_alt'"]);

    const same = violation(() =>
      validateEntity('certificates', { cert: ecLeaf.certPem, key: ecLeaf.keyPem, cert_alt: otherEc.certPem, key_alt: otherEc.keyPem }, { operation: 'insert' }),
    );
    expect((same.fields?.['@entity'] as string[])[0]).toMatch(/^certificate and alternative certificate need to have different type/);

    const ok = validateEntity('certificates', { cert: ecLeaf.certPem, key: ecLeaf.keyPem, cert_alt: rsaLeaf.certPem, key_alt: rsaLeaf.keyPem }, { operation: 'insert' });
    expect(ok.key_alt).toBe(rsaLeaf.keyPem);
  });

  it('leaves vault references unvalidated', () => {
    const out = validateEntity('certificates', { cert: '{vault://env/cert}', key: '{vault://env/key}' }, { operation: 'insert' });
    expect(out.key).toBe('{vault://env/key}');
  });

  it('validates snis as wildcard hosts', () => {
    const err = violation(() =>
      validateEntity('certificates', { cert: ecLeaf.certPem, key: ecLeaf.keyPem, snis: ['a.*.com', '10.0.0.1'] }, { operation: 'insert' }),
    );
    expect(err.fields?.snis).toEqual(['wildcard must be leftmost or rightmost character', 'must not be an IP']);
  });
});

describe('ca_certificates', () => {
  it('accepts a CA and computes cert_digest (sha256 of the DER, lower-case hex)', () => {
    const out = validateEntity('ca_certificates', { cert: rootCa.certPem }, { operation: 'insert' });
    expect(out.cert_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a leaf certificate, an expired CA and a bundle', () => {
    expect(violation(() => validateEntity('ca_certificates', { cert: ecLeaf.certPem }, { operation: 'insert' })).fields).toEqual({
      '@entity': ['certificate does not appear to be a CA because it is missing the "CA" basic constraint'],
    });
    expect(violation(() => validateEntity('ca_certificates', { cert: expiredCa.certPem }, { operation: 'insert' })).fields).toEqual({
      '@entity': ['certificate expired, "Not After" time is in the past'],
    });
    expect(
      violation(() => validateEntity('ca_certificates', { cert: rootCa.certPem + ecLeaf.certPem }, { operation: 'insert' })).fields,
    ).toEqual({ '@entity': ['please submit only one certificate at a time'] });
  });
});

describe('snis', () => {
  it('needs a name and a certificate', () => {
    const err = violation(() => validateEntity('snis', {}, { operation: 'insert' }));
    expect(err.fields).toEqual({ name: 'required field missing', certificate: 'required field missing' });
  });

  it('accepts a wildcard name and keeps the certificate reference as { id }', () => {
    const id = '3f1b8c1e-1111-4a2b-9c1f-2f6f3c1f0a11';
    const out = validateEntity('snis', { name: '*.example.com', certificate: { id, extra: 1 } }, { operation: 'insert' });
    expect(out.certificate).toEqual({ id });
  });
});
