import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { GatewayError, ErrorCode } from '../errors.js';
import type { CertificateAndKey } from './generate.js';
import { importSigningKey, signingAlgorithmFor, toPem } from './keys.js';
import { splitCertificatePems } from './pem.js';
import { x509 } from './webcrypto.js';

export interface RevokedEntry {
  serialHex: string;
  date?: Date;
}

export interface CreateCrlOptions {
  caCertPem: string;
  caKeyPem: string;
  revoked: RevokedEntry[];
  /** Days until nextUpdate (30 by default); OpenSSL refuses a CRL past its nextUpdate ("CRL has expired"). */
  nextUpdateDays?: number;
  thisUpdate?: Date;
  /** The cRLNumber extension; defaults to the current time in seconds so newer CRLs number higher. */
  crlNumber?: number;
}

const DAY_MS = 86_400_000;
const BACKDATE_MS = 5 * 60_000;
const crlBlock = /-----BEGIN (X509 )?CRL-----[\s\S]+?-----END \1CRL-----/g;

/** Serials compare as numbers: lower case, no leading zeros (Node and OpenSSL print them differently). */
export function normalizeSerialHex(serialHex: string): string {
  const s = serialHex.replace(/[:\s]/g, '').toLowerCase().replace(/^0+/, '');
  return s === '' ? '0' : s;
}

function derInteger(value: number): ArrayBuffer {
  let hex = Math.max(0, Math.floor(value)).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  const body = Buffer.from(hex, 'hex');
  return Uint8Array.from([0x02, body.length, ...body]).buffer;
}

/** A signed v2 CRL in PEM (`BEGIN X509 CRL`), loadable as PostgreSQL's `ssl_crl_file`. */
export async function createCrl(options: CreateCrlOptions): Promise<string> {
  const ca = new x509.X509Certificate(options.caCertPem);
  const key = await importSigningKey(options.caKeyPem, 'CA private key');
  const thisUpdate = options.thisUpdate ?? new Date(Date.now() - BACKDATE_MS);
  const nextUpdate = new Date(thisUpdate.getTime() + (options.nextUpdateDays ?? 30) * DAY_MS);
  const entries = options.revoked.map((entry) => {
    if (!/^[0-9a-fA-F:]+$/.test(entry.serialHex)) {
      throw new GatewayError(ErrorCode.CONFIG, `revoked serial '${entry.serialHex}' is not hexadecimal`);
    }
    let serial = normalizeSerialHex(entry.serialHex);
    if (serial.length % 2) serial = `0${serial}`;
    if (parseInt(serial.slice(0, 2), 16) >= 0x80) serial = `00${serial}`;
    return { serialNumber: serial, revocationDate: entry.date ?? thisUpdate };
  });
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey: key.keys.privateKey,
    signingAlgorithm: signingAlgorithmFor(key.keyType),
    entries,
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(key.keys.publicKey),
      new x509.Extension('2.5.29.20', false, derInteger(options.crlNumber ?? Math.floor(Date.now() / 1000))),
    ],
  });
  // @peculiar labels it `BEGIN CRL`; OpenSSL (and so PostgreSQL) only reads `BEGIN X509 CRL`.
  return toPem(new Uint8Array(crl.rawData), 'X509 CRL');
}

/**
 * One CRL per authority, concatenated, each listing the given certificates it issued.
 * PostgreSQL sets OpenSSL's CRL_CHECK_ALL when `ssl_crl_file` is set, so every CA in the
 * client's chain (root and intermediates) needs a CRL in the file, even an empty one;
 * otherwise every client fails with "unable to get certificate CRL".
 */
export async function createCrlBundle(options: {
  authorities: CertificateAndKey[];
  revokedCertPems: string[];
  nextUpdateDays?: number;
}): Promise<string> {
  const revoked = options.revokedCertPems.flatMap((pem) => splitCertificatePems(pem).slice(0, 1)).map((pem) => new NodeX509Certificate(pem));
  const unmatched = revoked.filter((cert) => !options.authorities.some((ca) => cert.checkIssued(new NodeX509Certificate(ca.certPem))));
  if (unmatched.length > 0) {
    throw new GatewayError(ErrorCode.CONFIG, `cannot revoke '${unmatched[0].subject}': none of the given CAs issued it (give its issuing CA certificate and key)`);
  }
  const crls = await Promise.all(options.authorities.map((ca) => {
    const caCert = new NodeX509Certificate(ca.certPem);
    return createCrl({
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      nextUpdateDays: options.nextUpdateDays,
      revoked: revoked.filter((cert) => cert.checkIssued(caCert)).map((cert) => ({ serialHex: cert.serialNumber })),
    });
  }));
  return crls.join('');
}

export interface CrlInfo {
  issuer: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: { serialHex: string; date: Date }[];
}

/** Every CRL in a PEM text (a file may hold several, as PostgreSQL's ssl_crl_file can). */
export function readCrl(pemText: string, source = 'CRL'): CrlInfo[] {
  const blocks = pemText.match(crlBlock) ?? [];
  if (blocks.length === 0) throw new GatewayError(ErrorCode.CONFIG, `${source}: no PEM CRL found (expected "BEGIN X509 CRL" blocks)`);
  return blocks.map((block, index) => {
    let crl: x509.X509Crl;
    try {
      crl = new x509.X509Crl(block);
    } catch (err) {
      throw new GatewayError(ErrorCode.CONFIG, `${source}: CRL #${index + 1} cannot be parsed (${(err as Error).message})`);
    }
    return {
      issuer: crl.issuer,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      revoked: crl.entries.map((e) => ({ serialHex: normalizeSerialHex(e.serialNumber), date: e.revocationDate })),
    };
  });
}

/**
 * Whether the certificate (the first in certPem) is listed by a CRL from its issuer.
 * Issuer names are compared as DER, serials as numbers. CRL signatures are not checked here.
 */
export function isRevoked(certPem: string, crlPems: string | string[]): boolean {
  const [first] = splitCertificatePems(certPem);
  if (!first) throw new GatewayError(ErrorCode.CONFIG, 'certificate: no PEM certificate found');
  const cert = new x509.X509Certificate(first);
  const issuerDer = Buffer.from(cert.issuerName.toArrayBuffer());
  const serial = normalizeSerialHex(cert.serialNumber);
  const texts = Array.isArray(crlPems) ? crlPems : [crlPems];
  return texts.some((text) => (text.match(crlBlock) ?? []).some((block) => {
    const crl = new x509.X509Crl(block);
    // DER first; the string form covers the same name encoded as a different string type.
    const sameIssuer = issuerDer.equals(Buffer.from(crl.issuerName.toArrayBuffer())) || crl.issuer === cert.issuer;
    if (!sameIssuer) return false;
    return crl.entries.some((e) => normalizeSerialHex(e.serialNumber) === serial);
  }));
}
