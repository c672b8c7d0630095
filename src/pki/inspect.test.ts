import { X509Certificate, createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkChainOrder, describeCertificate, parseSubjectAltName } from './inspect.js';
import { createLayout, type LayoutResult } from './layout.js';
import { readCertificates } from './pem.js';

let l: LayoutResult;
beforeAll(async () => {
  l = await createLayout({ layout: 'intermediate', keyType: 'ec', serverNames: ['db.example.com', '::1'] });
});

describe('describeCertificate', () => {
  it('reports the server certificate fields', () => {
    const cert = new X509Certificate(l.server.certPem);
    const now = new Date();
    const d = describeCertificate(cert, now);
    expect(d.subject).toBe('CN=db.example.com');
    expect(d.issuer).toBe('CN=intermediate.yourdomain.com');
    expect(d.sans).toEqual(['DNS:db.example.com', 'IP Address:0:0:0:0:0:0:0:1']);
    expect(d.isCA).toBe(false);
    expect(d.selfSigned).toBe(false);
    expect(d.daysLeft).toBeGreaterThanOrEqual(364);
    expect(d.daysLeft).toBeLessThanOrEqual(365);
    const expected = createHash('sha256').update(cert.raw).digest('hex').toUpperCase().match(/../g)!.join(':');
    expect(d.sha256Fingerprint).toBe(expected);
    expect(d.serialHex).toMatch(/^[0-9a-f]+$/);
  });

  it('recognises a self-signed root CA', () => {
    const d = describeCertificate(new X509Certificate(l.root!.certPem));
    expect(d.isCA).toBe(true);
    expect(d.selfSigned).toBe(true);
    expect(d.sans).toEqual([]);
  });
});

describe('checkChainOrder', () => {
  it('accepts leaf, intermediate, root', () => {
    expect(checkChainOrder(readCertificates(l.server.certPem + l.chainPem))).toEqual({ inOrder: true, completeToSelfSignedRoot: true, problems: [] });
  });

  it('flags a reversed chain and says which certificate issued which', () => {
    const report = checkChainOrder(readCertificates(l.root!.certPem + l.intermediates[0].certPem + l.server.certPem));
    expect(report.inOrder).toBe(false);
    expect(report.completeToSelfSignedRoot).toBe(false);
    expect(report.problems).toEqual([
      '#1 (CN=root.yourdomain.com) is a self-signed root but is not last; the root belongs at the end',
      '#2 (CN=intermediate.yourdomain.com) is issued by #1, not by the next certificate #3; order leaf first, then each issuer',
      "the chain ends at 'CN=db.example.com', issued by 'CN=intermediate.yourdomain.com', which is not in the file (append the issuer up to the root)",
    ]);
  });

  it('notes a chain that stops before the root (server.crt with its intermediate appended)', () => {
    const report = checkChainOrder(readCertificates(l.server.certPem + l.intermediates[0].certPem));
    expect(report.inOrder).toBe(true);
    expect(report.completeToSelfSignedRoot).toBe(false);
    expect(report.problems).toEqual([
      "the chain ends at 'CN=intermediate.yourdomain.com', issued by 'CN=root.yourdomain.com', which is not in the file (append the issuer up to the root)",
    ]);
  });

  it('reports an empty list', () => {
    expect(checkChainOrder([]).problems).toEqual(['no certificates']);
  });
});

describe('parseSubjectAltName', () => {
  it('keeps quoted entries with commas whole', () => {
    expect(parseSubjectAltName('DNS:a.example, DNS:"b,c.example", IP Address:10.0.0.1')).toEqual([
      'DNS:a.example', 'DNS:"b,c.example"', 'IP Address:10.0.0.1',
    ]);
  });
});
