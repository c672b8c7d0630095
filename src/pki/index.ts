/** X.509 for the datastore link, `silverback certs`, `doctor` and proxy TLS. Everything in-process: no openssl binary. */
export { generateKey, importSigningKey, type GeneratedKey, type KeyType } from './keys.js';
export {
  splitCertificatePems,
  readCertificates,
  readPrivateKey,
  keyMatchesCertificate,
  readPemFile,
  readCertificateFile,
  readPrivateKeyFile,
} from './pem.js';
export {
  randomSerialHex,
  subjectAltNames,
  createRootCa,
  createIntermediateCa,
  createServerCertificate,
  createClientCertificate,
  type CertificateAndKey,
  type Validity,
  type IssueOptions,
} from './generate.js';
export {
  createLayout,
  writeLayout,
  layoutKinds,
  type LayoutKind,
  type LayoutOptions,
  type LayoutResult,
  type LayoutFiles,
  type WriteLayoutOptions,
} from './layout.js';
export {
  createCrl,
  createCrlBundle,
  readCrl,
  isRevoked,
  normalizeSerialHex,
  type CreateCrlOptions,
  type RevokedEntry,
  type CrlInfo,
} from './crl.js';
export {
  describeCertificate,
  checkChainOrder,
  isSelfSigned,
  parseSubjectAltName,
  type CertificateDescription,
  type ChainOrderReport,
} from './inspect.js';
export {
  loadTrustStore,
  findSystemBundle,
  systemBundleCandidates,
  type TrustStore,
  type TrustSource,
} from './trust-store.js';
