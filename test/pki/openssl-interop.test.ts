import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChainOrder, createCrlBundle, describeCertificate, isRevoked, keyMatchesCertificate, readCertificates, readCrl } from '../../src/pki/index.js';
import { makeInProcessPki, makeSeedPki, type PkiFixture } from '../harness/pki-fixtures.js';

/** OpenSSL is the judge PostgreSQL uses; `openssl verify` tells us whether it accepts what we make. */
function opensslVerify(args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('openssl', ['verify', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('in-process certificates judged by openssl', () => {
  let pki: PkiFixture;
  beforeAll(async () => {
    pki = await makeInProcessPki('intermediate');
  });
  afterAll(() => pki?.cleanup());

  it('verifies server and client against chain.crt with purpose checks', () => {
    expect(opensslVerify(['-CAfile', pki.files.chainCrt!, '-purpose', 'sslserver', pki.files.serverCrt]).ok).toBe(true);
    expect(opensslVerify(['-CAfile', pki.files.chainCrt!, '-purpose', 'sslclient', pki.files.clientCrt]).ok).toBe(true);
    // EKU is enforced: the client certificate is not a server certificate.
    expect(opensslVerify(['-CAfile', pki.files.chainCrt!, '-purpose', 'sslserver', pki.files.clientCrt]).ok).toBe(false);
  });

  it('fails with depth 0 the way lua_ssl_verify_depth 0 must', () => {
    const result = opensslVerify(['-CAfile', pki.files.chainCrt!, '-verify_depth', '0', pki.files.serverCrt]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/certificate chain too long/);
  });

  it('accepts our CRL bundle with CRL_CHECK_ALL and rejects the revoked certificate', async () => {
    const crlPath = join(pki.dir, 'crl.pem');
    writeFileSync(crlPath, await pki.crlRevoking([pki.client.certPem]));
    const server = opensslVerify(['-CAfile', pki.files.chainCrt!, '-CRLfile', crlPath, '-crl_check_all', pki.files.serverCrt]);
    expect(server.output).toMatch(/: OK/);
    const client = opensslVerify(['-CAfile', pki.files.chainCrt!, '-CRLfile', crlPath, '-crl_check_all', pki.files.clientCrt]);
    expect(client.ok).toBe(false);
    expect(client.output).toMatch(/certificate revoked/);
  });

  it('openssl parses the CRL and lists the serial', async () => {
    const crl = await pki.crlRevoking([pki.client.certPem]);
    const text = execFileSync('openssl', ['crl', '-noout', '-text'], { input: crl.split(/(?=-----BEGIN X509 CRL)/)[1], encoding: 'utf8' });
    const serial = new X509Certificate(pki.client.certPem).serialNumber.toUpperCase();
    expect(text.replace(/\s/g, '')).toContain(`SerialNumber:${serial}`);
  });
});

describe.each(['intermediate', 'direct', 'self-signed'] as const)('src/pki reading the seed openssl %s layout', (layout) => {
  let pki: PkiFixture;
  beforeAll(async () => {
    pki = await makeSeedPki(layout);
  });
  afterAll(() => pki?.cleanup());

  it('matches keys to certificates', () => {
    expect(keyMatchesCertificate(pki.server.certPem, pki.server.keyPem)).toBe(true);
    expect(keyMatchesCertificate(pki.server.certPem, pki.client.keyPem)).toBe(false);
  });

  it('describes the seed server certificate: CN dbhost.yourdomain.com, no SAN', () => {
    const d = describeCertificate(new X509Certificate(pki.server.certPem));
    expect(d.subject).toBe('CN=dbhost.yourdomain.com');
    expect(d.sans).toEqual([]);
    expect(d.selfSigned).toBe(layout === 'self-signed');
  });

  it('finds the server chain complete and in order', () => {
    const report = checkChainOrder(readCertificates(pki.server.certPem + (layout === 'self-signed' ? '' : pki.serverTrustPem)));
    expect(report).toEqual({ inOrder: true, completeToSelfSignedRoot: true, problems: [] });
  });

  it('signs a CRL with the seed CA keys that openssl accepts', async () => {
    const crl = await createCrlBundle({ authorities: pki.authorities, revokedCertPems: [pki.client.certPem] });
    expect(isRevoked(pki.client.certPem, crl)).toBe(true);
    expect(isRevoked(pki.server.certPem, crl)).toBe(false);
    expect(readCrl(crl)).toHaveLength(pki.authorities.length);
    const crlPath = join(pki.dir, 'crl.pem');
    writeFileSync(crlPath, crl);
    const client = opensslVerify(['-CAfile', pki.clientTrustPath, '-CRLfile', crlPath, '-crl_check_all', pki.files.clientCrt]);
    expect(client.output).toMatch(/certificate revoked/);
    const server = opensslVerify(['-CAfile', pki.serverTrustPath, '-CRLfile', crlPath, '-crl_check_all', pki.files.serverCrt]);
    expect(server.output).toMatch(/: OK/);
  });
});
