import './reflect-metadata.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * @peculiar/x509 needs a WebCrypto provider; Node's is complete enough for RSA and ECDSA.
 * Setting it once at import keeps every other pki module free of provider plumbing.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const subtle = webcrypto.subtle as unknown as SubtleCrypto;
export { x509 };
