import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GatewayError, ErrorCode } from '../errors.js';

const certificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const privateKeyBlock = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/** Each certificate of a PEM bundle, in file order, as its own PEM text (newline-terminated). */
export function splitCertificatePems(pemText: string): string[] {
  return (pemText.match(certificateBlock) ?? []).map((block) => `${block}\n`);
}

/** Parses every certificate of a PEM bundle (server.crt with its intermediate appended, chain.crt, …). */
export function readCertificates(pemText: string, source = 'PEM text'): X509Certificate[] {
  return splitCertificatePems(pemText).map((pem, index) => {
    try {
      return new X509Certificate(pem);
    } catch (err) {
      throw new GatewayError(
        ErrorCode.CONFIG,
        `${source}: certificate #${index + 1} cannot be parsed (${(err as Error).message}); re-export it as PEM`,
      );
    }
  });
}

/** The private key of a PEM text; encrypted keys are refused because nothing here can prompt for a passphrase. */
export function readPrivateKey(pemText: string, source = 'PEM text'): KeyObject {
  const block = pemText.match(privateKeyBlock);
  if (!block) {
    throw new GatewayError(ErrorCode.CONFIG, `${source}: no PEM private key found (expected a "BEGIN PRIVATE KEY" block)`);
  }
  if (block[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(block[0])) {
    throw new GatewayError(ErrorCode.CONFIG, `${source}: the private key is encrypted (write it without a passphrase, e.g. openssl -nodes)`);
  }
  try {
    return createPrivateKey(block[0]);
  } catch (err) {
    throw new GatewayError(ErrorCode.CONFIG, `${source}: private key cannot be parsed (${(err as Error).message})`);
  }
}

/** Whether the key is the private half of the first certificate in certPem (the leaf, as PostgreSQL requires). */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  const [leaf] = readCertificates(certPem, 'certificate');
  if (!leaf) throw new GatewayError(ErrorCode.CONFIG, 'certificate: no PEM certificate found');
  const key = readPrivateKey(keyPem, 'private key');
  try {
    return leaf.checkPrivateKey(key);
  } catch {
    // Node throws when the key types differ (RSA key vs EC certificate): that is simply a mismatch.
    return false;
  }
}

/** Reads a PEM file, failing with one line naming the path when it is missing, unreadable or empty. */
export function readPemFile(path: string, what = 'PEM file'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' :
      code === 'EACCES' || code === 'EPERM' ? 'is not readable (permission denied)' :
      code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (err as Error).message})`;
    throw new GatewayError(ErrorCode.CONFIG, `${what} '${path}' ${reason} (check the path and its permissions)`);
  }
  if (text.trim() === '') throw new GatewayError(ErrorCode.CONFIG, `${what} '${path}' is empty (expected PEM text)`);
  return text;
}

/** A certificate file with at least one certificate; returns its text and parsed certificates. */
export function readCertificateFile(path: string, what = 'certificate file'): { pem: string; certificates: X509Certificate[] } {
  const pem = readPemFile(path, what);
  const certificates = readCertificates(pem, `${what} '${path}'`);
  if (certificates.length === 0) {
    throw new GatewayError(ErrorCode.CONFIG, `${what} '${path}' contains no PEM certificate (expected "BEGIN CERTIFICATE" blocks)`);
  }
  return { pem, certificates };
}

/** A private key file; returns its text and the parsed key. */
export function readPrivateKeyFile(path: string, what = 'private key file'): { pem: string; key: KeyObject } {
  const pem = readPemFile(path, what);
  return { pem, key: readPrivateKey(pem, `${what} '${path}'`) };
}
