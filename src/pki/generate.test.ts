import { X509Certificate, createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { createClientCertificate, createRootCa, createServerCertificate, randomSerialHex } from './generate.js';
import { createLayout, type LayoutResult } from './layout.js';
import { describeCertificate } from './inspect.js';
import { readCertificates } from './pem.js';
import { x509 } from './webcrypto.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function cert(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

function issuedBy(child: string, parent: string): boolean {
  const c = cert(child);
  const p = cert(parent);
  return c.checkIssued(p) && c.verify(p.publicKey);
}

describe('createLayout intermediate', () => {
  let l: LayoutResult;
  beforeAll(async () => {
    l = await createLayout({ layout: 'intermediate' });
  });

  it('chains leaf → intermediate → self-signed root', () => {
    const root = l.root!.certPem;
    const intermediate = l.intermediates[0].certPem;
    expect(issuedBy(root, root)).toBe(true);
    expect(issuedBy(intermediate, root)).toBe(true);
    expect(issuedBy(l.server.certPem, intermediate)).toBe(true);
    expect(issuedBy(l.client.certPem, intermediate)).toBe(true);
    expect(issuedBy(l.server.certPem, root)).toBe(false);
  });

  it('marks CAs with critical basicConstraints and keyCertSign|cRLSign, leaves as non-CA', () => {
    for (const pem of [l.root!.certPem, l.intermediates[0].certPem]) {
      const parsed = new x509.X509Certificate(pem);
      const bc = parsed.getExtension(x509.BasicConstraintsExtension)!;
      const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
      expect(bc.ca && bc.critical).toBe(true);
      expect(ku.critical).toBe(true);
      expect(ku.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
      expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
      expect(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)).not.toBeNull();
    }
    expect(cert(l.server.certPem).ca).toBe(false);
    expect(cert(l.client.certPem).ca).toBe(false);
  });

  it('gives the server SANs for the default names, CN the first name, EKU serverAuth', () => {
    const server = cert(l.server.certPem);
    expect(describeCertificate(server).sans).toEqual(['DNS:localhost', 'IP Address:127.0.0.1']);
    expect(server.subject).toBe('CN=localhost');
    expect(server.keyUsage).toEqual([SERVER_AUTH]);
  });

  it('gives the client CN kong and EKU clientAuth', () => {
    const client = cert(l.client.certPem);
    expect(client.subject).toBe('CN=kong');
    expect(client.keyUsage).toEqual([CLIENT_AUTH]);
  });

  it('orders chain.crt intermediate first, then root, as the seed cats it', () => {
    const chain = readCertificates(l.chainPem);
    expect(chain.map((c) => c.subject)).toEqual(['CN=intermediate.yourdomain.com', 'CN=root.yourdomain.com']);
    expect(l.serverTrustPem).toBe(l.chainPem);
    expect(l.clientTrustPem).toBe(l.chainPem);
  });

  it('writes unencrypted PKCS#8 RSA 2048 keys', () => {
    const key = createPrivateKey(l.server.keyPem);
    expect(l.server.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('createLayout other layouts', () => {
  it('direct: leaves signed by the root, chain is the root alone', async () => {
    const l = await createLayout({ layout: 'direct', keyType: 'ec' });
    expect(l.intermediates).toHaveLength(0);
    expect(issuedBy(l.server.certPem, l.root!.certPem)).toBe(true);
    expect(l.chainPem).toBe(l.root!.certPem);
    expect(createPrivateKey(l.client.keyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('self-signed: server and client each sign themselves and are each other side\'s trust', async () => {
    const l = await createLayout({ layout: 'self-signed', clientCn: 'gateway', serverNames: ['db.internal', '10.1.2.3'] });
    expect(l.root).toBeUndefined();
    expect(issuedBy(l.server.certPem, l.server.certPem)).toBe(true);
    expect(issuedBy(l.client.certPem, l.client.certPem)).toBe(true);
    expect(l.serverTrustPem).toBe(l.server.certPem);
    expect(l.clientTrustPem).toBe(l.client.certPem);
    expect(cert(l.client.certPem).subject).toBe('CN=gateway');
    expect(cert(l.server.certPem).subject).toBe('CN=db.internal');
    expect(describeCertificate(cert(l.server.certPem)).sans).toEqual(['DNS:db.internal', 'IP Address:10.1.2.3']);
  });

  it('two-intermediates: the chain holds both intermediates leaf side first', async () => {
    const l = await createLayout({ layout: 'two-intermediates', keyType: 'ec' });
    const chain = readCertificates(l.chainPem);
    expect(chain).toHaveLength(3);
    expect(issuedBy(l.server.certPem, l.intermediates[0].certPem)).toBe(true);
    expect(issuedBy(l.intermediates[0].certPem, l.intermediates[1].certPem)).toBe(true);
    expect(issuedBy(l.intermediates[1].certPem, l.root!.certPem)).toBe(true);
  });

  it('honours validity overrides, e.g. an expired server certificate', async () => {
    const notAfter = new Date(Date.now() - 86_400_000);
    const l = await createLayout({ layout: 'direct', keyType: 'ec', validity: { server: { notAfter } } });
    const d = describeCertificate(cert(l.server.certPem));
    expect(d.notAfter.getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    expect(d.daysLeft).toBeLessThan(0);
    expect(d.notBefore.getTime()).toBeLessThan(d.notAfter.getTime());
  });

  it('rejects an unknown layout', async () => {
    await expect(createLayout({ layout: 'chain' as never })).rejects.toThrow(/layout: unknown 'chain'/);
  });
});

describe('certificate primitives', () => {
  it('makes a not-yet-valid certificate when notBefore is in the future', async () => {
    const notBefore = new Date(Date.now() + 10 * 86_400_000);
    const root = await createRootCa({ keyType: 'ec', notBefore, days: 30 });
    expect(new Date(cert(root.certPem).validFrom).getTime()).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
  });

  it('rejects notAfter before notBefore', async () => {
    const err = await createClientCertificate({ keyType: 'ec', notBefore: new Date(2030, 0, 2), notAfter: new Date(2030, 0, 1) }).catch((e) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.message).toMatch(/notAfter .* must be after notBefore/);
  });

  it('uses an explicit serial, keeping it positive', async () => {
    const c = await createClientCertificate({ keyType: 'ec', serialHex: 'ff01' });
    expect(cert(c.certPem).serialNumber.toLowerCase()).toBe('ff01');
    // The DER INTEGER carries a leading zero byte, otherwise 0xff01 would read as negative.
    expect(cert(c.certPem).raw.includes(Buffer.from([0x02, 0x03, 0x00, 0xff, 0x01]))).toBe(true);
  });

  it('refuses an empty server name list', async () => {
    await expect(createServerCertificate({ names: [] })).rejects.toThrow(/at least one non-empty DNS name or IP address/);
  });

  it('random serials are positive and distinct', () => {
    const serials = Array.from({ length: 50 }, randomSerialHex);
    expect(new Set(serials).size).toBe(50);
    for (const s of serials) {
      expect(s).toMatch(/^[0-9a-f]{32}$/);
      expect(parseInt(s.slice(0, 2), 16)).toBeLessThan(0x80);
    }
  });
});
