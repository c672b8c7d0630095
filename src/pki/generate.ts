import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { GatewayError, ErrorCode } from '../errors.js';
import { generateKey, importSigningKey, signingAlgorithmFor, type GeneratedKey, type KeyType } from './keys.js';
import { x509 } from './webcrypto.js';

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

/** Validity window. `days` counts from notBefore; explicit dates let tests make expired or future certificates. */
export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
  days?: number;
}

export interface IssueOptions extends Validity {
  keyType?: KeyType;
  /** Hex serial; a random positive 128-bit one when absent. */
  serialHex?: string;
}

const DAY_MS = 86_400_000;
/** Backdated a little so a server whose clock runs slightly behind still accepts a certificate made just now. */
const BACKDATE_MS = 5 * 60_000;

/**
 * A random positive serial: 16 bytes with the top bit cleared (DER INTEGER stays positive,
 * which RFC 5280 requires) and never zero.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function window(v: Validity, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const span = (v.days ?? defaultDays) * DAY_MS;
  // Only notAfter given (an already expired certificate): start `days` before it rather than now.
  const notBefore = v.notBefore ?? new Date(Math.min(Date.now() - BACKDATE_MS, (v.notAfter?.getTime() ?? Infinity) - span));
  const notAfter = v.notAfter ?? new Date(notBefore.getTime() + span);
  if (notAfter <= notBefore) {
    throw new GatewayError(ErrorCode.CONFIG, `certificate validity: notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`);
  }
  return { notBefore, notAfter };
}

function commonName(cn: string): string {
  // RFC 4514 escaping so a CN with commas or plus signs stays one attribute.
  return `CN=${cn.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1')}`;
}

function checkSerial(serialHex: string | undefined): string {
  if (serialHex === undefined) return randomSerialHex();
  if (!/^[0-9a-fA-F]+$/.test(serialHex) || /^0*$/.test(serialHex)) {
    throw new GatewayError(ErrorCode.CONFIG, `certificate serial '${serialHex}' is not a positive hexadecimal number`);
  }
  // A leading bit of 1 would make the DER INTEGER negative; pad so it stays positive.
  const even = serialHex.length % 2 ? `0${serialHex}` : serialHex;
  return parseInt(even.slice(0, 2), 16) >= 0x80 ? `00${even}` : even;
}

interface Signer {
  cert: x509.X509Certificate;
  key: GeneratedKey;
}

async function signerFrom(issuer: CertificateAndKey): Promise<Signer> {
  const cert = new x509.X509Certificate(issuer.certPem);
  const key = await importSigningKey(issuer.keyPem, 'issuer private key');
  return { cert, key };
}

async function issue(params: {
  subject: string;
  own: GeneratedKey;
  issuer?: Signer;
  extensions: x509.Extension[];
  options: IssueOptions;
  defaultDays: number;
}): Promise<CertificateAndKey> {
  const { notBefore, notAfter } = window(params.options, params.defaultDays);
  const serialNumber = checkSerial(params.options.serialHex);
  const ski = await x509.SubjectKeyIdentifierExtension.create(params.own.keys.publicKey);
  const issuerPublicKey = params.issuer ? params.issuer.key.keys.publicKey : params.own.keys.publicKey;
  const aki = await x509.AuthorityKeyIdentifierExtension.create(issuerPublicKey);
  const extensions = [...params.extensions, ski, aki];
  const cert = params.issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber,
        subject: params.subject,
        issuer: params.issuer.cert.subjectName,
        notBefore,
        notAfter,
        publicKey: params.own.keys.publicKey,
        signingKey: params.issuer.key.keys.privateKey,
        signingAlgorithm: signingAlgorithmFor(params.issuer.key.keyType),
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber,
        name: params.subject,
        notBefore,
        notAfter,
        keys: params.own.keys,
        signingAlgorithm: signingAlgorithmFor(params.own.keyType),
        extensions,
      });
  return { certPem: `${cert.toString('pem')}\n`, keyPem: params.own.keyPem };
}

function caExtensions(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

function leafKeyUsage(keyType: KeyType, selfSigned: boolean): x509.KeyUsagesExtension {
  let usages = x509.KeyUsageFlags.digitalSignature;
  if (keyType === 'rsa') usages |= x509.KeyUsageFlags.keyEncipherment;
  // A self-signed certificate is its own trust anchor; OpenSSL only treats it as self-issued when
  // keyCertSign is allowed, as the seed's `req -x509 -extensions v3_ca` certificates are.
  if (selfSigned) usages |= x509.KeyUsageFlags.keyCertSign;
  return new x509.KeyUsagesExtension(usages, true);
}

/** A self-signed root CA (the seed's `req -x509 -extensions v3_ca`, 3650 days by default). */
export async function createRootCa(options: IssueOptions & { cn?: string } = {}): Promise<CertificateAndKey> {
  const own = await generateKey(options.keyType);
  return issue({ subject: commonName(options.cn ?? 'root.yourdomain.com'), own, extensions: caExtensions(), options, defaultDays: 3650 });
}

/** An intermediate CA signed by `issuer` (root or another intermediate; 1825 days by default). */
export async function createIntermediateCa(
  options: IssueOptions & { issuer: CertificateAndKey; cn?: string },
): Promise<CertificateAndKey> {
  const own = await generateKey(options.keyType);
  const issuer = await signerFrom(options.issuer);
  return issue({ subject: commonName(options.cn ?? 'intermediate.yourdomain.com'), own, issuer, extensions: caExtensions(), options, defaultDays: 1825 });
}

/** Splits names into DNS and IP SAN entries. */
export function subjectAltNames(names: string[]): x509.JsonGeneralNames {
  return names.map((name) => (isIP(name) ? { type: 'ip' as const, value: name } : { type: 'dns' as const, value: name }));
}

/**
 * A server certificate: CN is the first name, every name is a SAN (IP or DNS), EKU serverAuth.
 * Without `issuer` it is self-signed, like the seed's testing recipe.
 */
export async function createServerCertificate(
  options: IssueOptions & { names?: string[]; issuer?: CertificateAndKey } = {},
): Promise<CertificateAndKey> {
  const names = options.names ?? ['localhost', '127.0.0.1'];
  if (names.length === 0 || names.some((n) => n.trim() === '')) {
    throw new GatewayError(ErrorCode.CONFIG, 'server certificate names: at least one non-empty DNS name or IP address is required');
  }
  return createLeaf(options, commonName(names[0]), [
    new x509.SubjectAlternativeNameExtension(subjectAltNames(names)),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
  ]);
}

/** A client certificate for PostgreSQL `cert` auth: CN is the database user (`kong` by default), EKU clientAuth. */
export async function createClientCertificate(
  options: IssueOptions & { cn?: string; issuer?: CertificateAndKey } = {},
): Promise<CertificateAndKey> {
  const cn = options.cn ?? 'kong';
  if (cn.trim() === '') throw new GatewayError(ErrorCode.CONFIG, 'client certificate CN: must not be empty (use the PostgreSQL user name)');
  return createLeaf(options, commonName(cn), [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]);
}

async function createLeaf(
  options: IssueOptions & { issuer?: CertificateAndKey },
  subject: string,
  extra: x509.Extension[],
): Promise<CertificateAndKey> {
  const own = await generateKey(options.keyType);
  const issuer = options.issuer ? await signerFrom(options.issuer) : undefined;
  const selfSigned = issuer === undefined;
  const extensions = [
    // A self-signed leaf is the trust anchor itself; CA:true matches what the seed's openssl.cnf v3_ca gives it.
    new x509.BasicConstraintsExtension(selfSigned, undefined, true),
    leafKeyUsage(own.keyType, selfSigned),
    ...extra,
  ];
  return issue({ subject, own, issuer, extensions, options, defaultDays: 365 });
}
