import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ErrorCode, GatewayError } from '../../errors.js';
import { createCrl, normalizeSerialHex, readCertificateFile, readPemFile, type CertificateAndKey } from '../../pki/index.js';
import { out } from '../context.js';
import { CRL_BUNDLE } from './conf-lines.js';

/** The revocation list kept in the CA directory, so each run re-signs every CRL from the whole list. */
export const REVOKED_LIST = 'revoked.json';

interface RevokedRecord {
  serial: string;
  subject: string;
  /** SHA-256 fingerprint of the CA that issued it. */
  issuer: string;
  date: string;
}

interface Authority extends CertificateAndKey {
  name: string;
  cert: X509Certificate;
}

function issuedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  try {
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** Every `<name>.crt` with a `<name>.key` beside it whose certificate is a CA: root, intermediate(s), self-signed leaves. */
export function findAuthorities(dir: string): Authority[] {
  const found: Authority[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.crt')).sort()) {
    const name = basename(file, '.crt');
    const keyPath = join(dir, `${name}.key`);
    if (!existsSync(keyPath)) continue;
    const { pem, certificates } = readCertificateFile(join(dir, file), 'CA certificate');
    if (!certificates[0].ca) continue;
    found.push({ name, cert: certificates[0], certPem: pem, keyPem: readPemFile(keyPath, 'CA key') });
  }
  return found;
}

function readList(path: string): RevokedRecord[] {
  if (!existsSync(path)) return [];
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { revoked?: RevokedRecord[] };
    return Array.isArray(parsed.revoked) ? parsed.revoked : [];
  } catch (e) {
    throw new GatewayError(ErrorCode.CONFIG, `${path}: not a revocation list written by 'silverback certs revoke' (${(e as Error).message}); move it away to start a new list`);
  }
}

export interface RevokeFlags {
  ca: string;
  days?: string;
}

/**
 * `certs revoke --ca DIR [CERT]`: adds CERT to DIR's list and re-signs one CRL per CA in DIR.
 * PostgreSQL checks a CRL for every CA of the client chain once ssl_crl_file is set (OpenSSL's
 * CRL_CHECK_ALL), so the bundle holds one per CA, empty ones included. Without CERT it only
 * re-signs (CRLs expire at their next update).
 */
export async function certsRevokeCommand(certArg: string | undefined, flags: RevokeFlags): Promise<number> {
  const dir = resolve(flags.ca);
  if (!existsSync(dir)) throw new GatewayError(ErrorCode.CLI_USAGE, `--ca: '${dir}' does not exist (give the directory 'silverback certs create' wrote)`);
  const nextUpdateDays = flags.days === undefined ? 30 : Number(flags.days);
  if (!Number.isInteger(nextUpdateDays) || nextUpdateDays < 1) throw new GatewayError(ErrorCode.CLI_USAGE, `--days: '${flags.days}' is not a positive whole number of days`);
  const authorities = findAuthorities(dir);
  if (authorities.length === 0) {
    throw new GatewayError(ErrorCode.CONFIG, `--ca: no CA certificate with its key in '${dir}' (expected e.g. root.crt + root.key, intermediate.crt + intermediate.key)`);
  }
  const listPath = join(dir, REVOKED_LIST);
  const list = readList(listPath);

  if (certArg) {
    const certPath = resolve(certArg);
    const [cert] = readCertificateFile(certPath, 'certificate to revoke').certificates;
    const issuer = authorities.find((a) => a.cert.fingerprint256 !== cert.fingerprint256 && issuedBy(cert, a.cert))
      ?? authorities.find((a) => a.cert.fingerprint256 === cert.fingerprint256);
    if (!issuer) {
      throw new GatewayError(ErrorCode.CONFIG, `cannot revoke '${certPath}': none of the CAs in '${dir}' (${authorities.map((a) => `${a.name}.crt`).join(', ')}) issued it`);
    }
    const serial = normalizeSerialHex(cert.serialNumber);
    if (list.some((r) => r.serial === serial && r.issuer === issuer.cert.fingerprint256)) {
      out(`${certPath} (serial ${serial}) was already revoked; re-signing the CRLs`);
    } else {
      list.push({ serial, subject: cert.subject.replace(/\n/g, ', '), issuer: issuer.cert.fingerprint256, date: new Date().toISOString() });
      out(`revoked ${certPath}: ${cert.subject.replace(/\n/g, ', ')}, serial ${serial}, issued by ${issuer.name}.crt`);
    }
  }

  const crls: string[] = [];
  for (const ca of authorities) {
    const revoked = list.filter((r) => r.issuer === ca.cert.fingerprint256).map((r) => ({ serialHex: r.serial, date: new Date(r.date) }));
    const pem = await createCrl({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, revoked, nextUpdateDays });
    const path = join(dir, `${ca.name}.crl`);
    writeFileSync(path, pem, { mode: 0o644 });
    crls.push(pem);
    out(`  ${path}: CRL of ${ca.cert.subject.replace(/\n/g, ', ')}, ${revoked.length} revoked`);
  }
  writeFileSync(listPath, `${JSON.stringify({ revoked: list }, null, 2)}\n`, { mode: 0o644 });
  const bundle = join(dir, CRL_BUNDLE);
  writeFileSync(bundle, crls.join(''), { mode: 0o644 });
  out(`  ${bundle}: one CRL per CA (${authorities.map((a) => a.name).join(', ')}), next update in ${nextUpdateDays} days`);
  out('');
  out('postgresql.conf (then reload: pg_ctl reload or SELECT pg_reload_conf()):');
  out(`  ssl_crl_file = '${bundle.replace(/'/g, "''")}'`);
  out('kong.conf (to check the server certificate against it too):');
  out(`  pg_ssl_crl = ${bundle}`);
  out(`Re-run 'silverback certs revoke --ca ${dir}' before ${nextUpdateDays} days pass: OpenSSL refuses an expired CRL.`);
  return 0;
}
