import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  checkChainOrder,
  describeCertificate,
  keyMatchesCertificate,
  readCertificates,
  readCrl,
  readPemFile,
  readPrivateKey,
  splitCertificatePems,
} from '../../pki/index.js';
import { errorMessage } from '../../errors.js';
import { out } from '../context.js';

const hasCrl = (text: string) => /-----BEGIN X509 CRL-----/.test(text);
const hasKey = (text: string) => /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text);

function dateOnly(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function daysWords(days: number): string {
  if (days < 0) return `EXPIRED ${-days} day${days === -1 ? '' : 's'} ago`;
  return `${days} day${days === 1 ? '' : 's'} left${days < 30 ? ' (renew soon)' : ''}`;
}

/** The key's mode as a problem, if group or others can read it (libpq and PostgreSQL refuse such keys). */
export function keyModeProblem(path: string): string | null {
  const mode = statSync(path).mode & 0o777;
  return (mode & 0o077) === 0 ? null : `mode ${mode.toString(8).padStart(4, '0')} lets group or others read it; run chmod 0600 ${path}`;
}

function inspectCertificates(path: string, text: string, keyText: string | null, keyPath: string | undefined, keyMatched: { any: boolean }): boolean {
  let healthy = true;
  const certs = readCertificates(text, path);
  certs.forEach((cert, i) => {
    const d = describeCertificate(cert);
    out(`  certificate #${i + 1}${d.isCA ? (d.selfSigned ? ' (CA, self-signed root)' : ' (CA)') : ' (leaf)'}`);
    out(`    subject:     ${d.subject}`);
    out(`    issuer:      ${d.issuer}`);
    out(`    serial:      ${d.serialHex}`);
    out(`    valid:       ${dateOnly(d.notBefore)} to ${dateOnly(d.notAfter)}, ${daysWords(d.daysLeft)}`);
    if (d.sans.length) out(`    SANs:        ${d.sans.join(', ')}`);
    out(`    SHA-256:     ${d.sha256Fingerprint}`);
    if (d.daysLeft < 0) healthy = false;
  });
  if (keyText !== null) {
    const matches = keyMatchesCertificate(text, keyText);
    out(`  key ${keyPath}: ${matches ? 'matches certificate #1' : 'does not match certificate #1 (PostgreSQL and TLS need the key of the first certificate)'}`);
    if (matches) keyMatched.any = true;
  }
  if (certs.length > 1) {
    const chain = checkChainOrder(certs);
    out(`  chain: ${chain.inOrder ? 'in order (each certificate issued by the next)' : 'NOT in order'}; ${chain.completeToSelfSignedRoot ? 'complete up to a self-signed root' : 'does not end at a self-signed root'}`);
    for (const p of chain.problems) out(`    - ${p}`);
    // A leaf with its intermediate appended (server.crt, client.crt) is fine without the root.
    if (!chain.inOrder) healthy = false;
  } else if (certs.length === 1) {
    const d = describeCertificate(certs[0]);
    out(`  chain: one certificate${d.selfSigned ? ', self-signed' : `; its issuer (${d.issuer}) is not in this file`}`);
  }
  return healthy;
}

function inspectCrls(path: string, text: string): boolean {
  let healthy = true;
  readCrl(text, path).forEach((crl, i) => {
    out(`  CRL #${i + 1}`);
    out(`    issuer:      ${crl.issuer}`);
    out(`    this update: ${dateOnly(crl.thisUpdate)}`);
    if (crl.nextUpdate) {
      const days = Math.floor((crl.nextUpdate.getTime() - Date.now()) / 86_400_000);
      out(`    next update: ${dateOnly(crl.nextUpdate)}${days < 0 ? ' (EXPIRED: OpenSSL rejects it; re-sign it)' : `, in ${days} days`}`);
      if (days < 0) healthy = false;
    }
    out(`    revoked:     ${crl.revoked.length === 0 ? 'none' : crl.revoked.map((r) => r.serialHex).join(', ')}`);
  });
  return healthy;
}

function inspectKey(path: string, text: string): boolean {
  const key = readPrivateKey(text, path);
  const details = key.asymmetricKeyDetails;
  const size = details?.modulusLength ? ` ${details.modulusLength} bits` : details?.namedCurve ? ` ${details.namedCurve}` : '';
  out(`  private key: ${key.asymmetricKeyType?.toUpperCase()}${size}`);
  const problem = keyModeProblem(path);
  out(`  permissions: ${problem ?? 'owner only'}`);
  return problem === null;
}

/** `certs inspect FILE… [--key KEY]`: exit 1 when something is expired or out of order, or the key belongs to none of the files. */
export function certsInspectCommand(paths: string[], flags: { key?: string }): number {
  const keyPath = flags.key ? resolve(flags.key) : undefined;
  const keyText = keyPath ? readPemFile(keyPath, '--key file') : null;
  let healthy = true;
  const keyMatched = { any: false };
  for (const raw of paths) {
    const path = resolve(raw);
    out(`${path}:`);
    try {
      const text = readPemFile(path, 'file');
      const sawCerts = splitCertificatePems(text).length > 0;
      if (sawCerts) healthy = inspectCertificates(path, text, keyText, keyPath, keyMatched) && healthy;
      if (hasCrl(text)) healthy = inspectCrls(path, text) && healthy;
      if (hasKey(text) && !sawCerts) healthy = inspectKey(path, text) && healthy;
      if (!sawCerts && !hasCrl(text) && !hasKey(text)) {
        out('  no PEM certificate, CRL or private key found');
        healthy = false;
      }
    } catch (e) {
      out(`  error: ${errorMessage(e)}`);
      healthy = false;
    }
  }
  if (keyPath && !keyMatched.any) {
    out(`${keyPath} is the key of none of these certificates`);
    healthy = false;
  }
  return healthy ? 0 : 1;
}
