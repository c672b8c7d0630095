/**
 * PEM checks for certificates and keys (Kong uses OpenSSL through lua-resty-openssl; we use
 * node:crypto, so the text after `invalid certificate: ` is Node's, not OpenSSL's).
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export function parseCertificate(pem: string): { ok: true; cert: X509Certificate } | { ok: false; error: string } {
  try {
    return { ok: true, cert: new X509Certificate(pem) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Kong's `key` typedef accepts what OpenSSL's pkey loader accepts: a private or a public key. */
export function parseKey(pem: string): { ok: true; key: KeyObject } | { ok: false; error: string } {
  try {
    return { ok: true, key: createPrivateKey(pem) };
  } catch (err) {
    try {
      return { ok: true, key: createPublicKey(pem) };
    } catch {
      return { ok: false, error: (err as Error).message };
    }
  }
}

function spki(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** True when the key is the certificate's key pair (their public halves are identical). */
export function certificateMatchesKey(certPem: string, keyPem: string): boolean {
  const cert = parseCertificate(certPem);
  const key = parseKey(keyPem);
  if (!cert.ok || !key.ok) return false;
  return spki(cert.cert.publicKey).equals(spki(key.key));
}

export function certificateKeyType(certPem: string): string | undefined {
  const cert = parseCertificate(certPem);
  return cert.ok ? cert.cert.publicKey.asymmetricKeyType : undefined;
}

/** Lower-case hex SHA-256 of the DER encoding, Kong's `cert_digest`. */
export function certificateDigest(certPem: string): string | undefined {
  const cert = parseCertificate(certPem);
  return cert.ok ? createHash('sha256').update(cert.cert.raw).digest('hex') : undefined;
}

/** Kong's vault reference form, e.g. `{vault://env/cert}`; such values are resolved later. */
export function isVaultReference(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{vault://') && value.endsWith('}');
}
