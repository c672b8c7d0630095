import { createPrivateKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCrl, createCrlBundle, isRevoked, normalizeSerialHex, readCrl } from './crl.js';
import { createLayout, type LayoutResult } from './layout.js';

let l: LayoutResult;
let other: LayoutResult;
beforeAll(async () => {
  [l, other] = await Promise.all([createLayout({ layout: 'intermediate' }), createLayout({ layout: 'direct', keyType: 'ec' })]);
});

const serialOf = (pem: string) => normalizeSerialHex(new X509Certificate(pem).serialNumber);

describe('createCrl', () => {
  it('lists the revoked serials under the CA as issuer, as an OpenSSL-readable X509 CRL', async () => {
    const date = new Date('2024-05-01T00:00:00Z');
    const pem = await createCrl({
      caCertPem: l.intermediates[0].certPem,
      caKeyPem: l.intermediates[0].keyPem,
      revoked: [{ serialHex: new X509Certificate(l.client.certPem).serialNumber, date }],
      nextUpdateDays: 7,
    });
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    const [info] = readCrl(pem);
    expect(info.issuer).toBe('CN=intermediate.yourdomain.com');
    expect(info.revoked).toEqual([{ serialHex: serialOf(l.client.certPem), date }]);
    expect(info.nextUpdate!.getTime() - info.thisUpdate.getTime()).toBe(7 * 86_400_000);
  });

  it('signs with a PKCS#1 key as openssl writes it', async () => {
    const pkcs1 = createPrivateKey(l.root!.keyPem).export({ format: 'pem', type: 'pkcs1' }).toString();
    const pem = await createCrl({ caCertPem: l.root!.certPem, caKeyPem: pkcs1, revoked: [{ serialHex: 'AB:CD' }] });
    expect(readCrl(pem)[0].revoked.map((r) => r.serialHex)).toEqual(['abcd']);
  });

  it('rejects a non-hex serial', async () => {
    await expect(createCrl({ caCertPem: l.root!.certPem, caKeyPem: l.root!.keyPem, revoked: [{ serialHex: 'xyz' }] })).rejects.toThrow(
      "revoked serial 'xyz' is not hexadecimal",
    );
  });
});

describe('isRevoked', () => {
  it('is true only for the listed serial from the same issuer', async () => {
    const crl = await createCrl({
      caCertPem: l.intermediates[0].certPem, caKeyPem: l.intermediates[0].keyPem, revoked: [{ serialHex: serialOf(l.client.certPem) }],
    });
    expect(isRevoked(l.client.certPem, crl)).toBe(true);
    expect(isRevoked(l.server.certPem, crl)).toBe(false);
    // Same serial under another issuer does not count.
    const foreign = await createCrl({ caCertPem: other.root!.certPem, caKeyPem: other.root!.keyPem, revoked: [{ serialHex: serialOf(l.client.certPem) }] });
    expect(isRevoked(l.client.certPem, [foreign])).toBe(false);
  });
});

describe('createCrlBundle', () => {
  it('makes one CRL per CA and puts each certificate in its issuer\'s CRL', async () => {
    const bundle = await createCrlBundle({ authorities: [l.root!, l.intermediates[0]], revokedCertPems: [l.client.certPem, l.intermediates[0].certPem] });
    const crls = readCrl(bundle);
    expect(crls.map((c) => c.issuer)).toEqual(['CN=root.yourdomain.com', 'CN=intermediate.yourdomain.com']);
    expect(crls[0].revoked.map((r) => r.serialHex)).toEqual([serialOf(l.intermediates[0].certPem)]);
    expect(crls[1].revoked.map((r) => r.serialHex)).toEqual([serialOf(l.client.certPem)]);
    expect(isRevoked(l.client.certPem, bundle)).toBe(true);
    expect(isRevoked(l.server.certPem, bundle)).toBe(false);
  });

  it('refuses a certificate none of the CAs issued', async () => {
    await expect(createCrlBundle({ authorities: [l.root!], revokedCertPems: [other.client.certPem] })).rejects.toThrow(
      /cannot revoke 'CN=kong': none of the given CAs issued it/,
    );
  });
});

describe('readCrl', () => {
  it('names text without a CRL', () => {
    expect(() => readCrl(l.root!.certPem, 'crl.pem')).toThrow('crl.pem: no PEM CRL found');
  });
});
