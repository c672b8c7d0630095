import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { GatewayError, ErrorCode } from '../errors.js';
import { subtle } from './webcrypto.js';

export type KeyType = 'rsa' | 'ec';

/** A WebCrypto key pair plus the private key as PKCS#8 PEM (what `openssl req -nodes` writes). */
export interface GeneratedKey {
  keyType: KeyType;
  keyPem: string;
  keys: CryptoKeyPair;
}

const rsaAlgorithm = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;
const ecAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The algorithm @peculiar/x509 should sign with for a key of this type. */
export function signingAlgorithmFor(keyType: KeyType): Algorithm | EcdsaParams {
  return keyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm : { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;
}

export async function generateKey(keyType: KeyType = 'rsa'): Promise<GeneratedKey> {
  const keys = (await subtle.generateKey(keyType === 'rsa' ? rsaAlgorithm : ecAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const der = await subtle.exportKey('pkcs8', keys.privateKey);
  return { keyType, keys, keyPem: toPem(new Uint8Array(der), 'PRIVATE KEY') };
}

/**
 * Turns any PEM private key Node can read (PKCS#1, SEC1, PKCS#8, as openssl writes them) into a
 * WebCrypto key pair usable for signing, so keys made by the seed's openssl recipes can sign too.
 */
export async function importSigningKey(keyPem: string, source = 'private key'): Promise<GeneratedKey> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(keyPem);
  } catch (err) {
    throw new GatewayError(ErrorCode.CONFIG, `${source}: not a readable PEM private key (${(err as Error).message})`);
  }
  const keyType = keyTypeOf(keyObject, source);
  const pkcs8 = keyObject.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  const algorithm = keyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : ecAlgorithm;
  const privateKey = await subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']);
  const publicKey = await subtle.importKey('spki', spki, algorithm, true, ['verify']);
  return { keyType, keys: { privateKey, publicKey }, keyPem };
}

function keyTypeOf(keyObject: KeyObject, source: string): KeyType {
  if (keyObject.asymmetricKeyType === 'rsa') return 'rsa';
  if (keyObject.asymmetricKeyType === 'ec' && keyObject.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ec';
  throw new GatewayError(
    ErrorCode.CONFIG,
    `${source}: unsupported key type ${keyObject.asymmetricKeyType}${keyObject.asymmetricKeyDetails?.namedCurve ? ` (${keyObject.asymmetricKeyDetails.namedCurve})` : ''} (use an RSA or EC P-256 key)`,
  );
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
