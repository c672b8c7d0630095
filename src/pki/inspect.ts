import { X509Certificate } from 'node:crypto';

export interface CertificateDescription {
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** Whole days until notAfter from `now`; negative once expired. */
  daysLeft: number;
  /** `DNS:name` / `IP Address:addr` entries as OpenSSL prints them. */
  sans: string[];
  /** Colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256` prints it. */
  sha256Fingerprint: string;
  isCA: boolean;
  selfSigned: boolean;
}

/** Node prints multi-valued names one attribute per line; one line reads better in CLI output. */
function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** Splits Node's subjectAltName text, which quotes entries that themselves contain commas. */
export function parseSubjectAltName(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

export function describeCertificate(cert: X509Certificate, now: Date = new Date()): CertificateDescription {
  const notAfter = new Date(cert.validTo);
  return {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    serialHex: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom),
    notAfter,
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000),
    sans: parseSubjectAltName(cert.subjectAltName),
    sha256Fingerprint: cert.fingerprint256,
    isCA: cert.ca,
    selfSigned: isSelfSigned(cert),
  };
}

export interface ChainOrderReport {
  /** Each certificate is issued (name and signature) by the one after it. */
  inOrder: boolean;
  /** The last certificate is a self-signed root and the chain above is in order. */
  completeToSelfSignedRoot: boolean;
  problems: string[];
}

/**
 * Checks a chain file (server.crt with appended intermediates, chain.crt) in the order TLS and
 * PostgreSQL expect: leaf first, each next certificate the issuer of the previous.
 */
export function checkChainOrder(certs: X509Certificate[]): ChainOrderReport {
  const problems: string[] = [];
  if (certs.length === 0) return { inOrder: false, completeToSelfSignedRoot: false, problems: ['no certificates'] };
  for (let i = 0; i + 1 < certs.length; i++) {
    const child = certs[i];
    const parent = certs[i + 1];
    const who = `#${i + 1} (${oneLineName(child.subject)})`;
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) {
      const actualIssuer = certs.findIndex((c, j) => j !== i && child.checkIssued(c) && child.verify(c.publicKey));
      problems.push(
        isSelfSigned(child)
          ? `${who} is a self-signed root but is not last; the root belongs at the end`
          : actualIssuer >= 0
          ? `${who} is issued by #${actualIssuer + 1}, not by the next certificate #${i + 2}; order leaf first, then each issuer`
          : `${who} is not issued by the next certificate #${i + 2} (${oneLineName(parent.subject)})`,
      );
    } else if (!parent.ca) {
      problems.push(`#${i + 2} (${oneLineName(parent.subject)}) signs #${i + 1} but is not a CA (basicConstraints CA:false)`);
    }
  }
  const inOrder = problems.length === 0;
  const last = certs[certs.length - 1];
  const rootSelfSigned = isSelfSigned(last);
  if (!rootSelfSigned) {
    problems.push(`the chain ends at '${oneLineName(last.subject)}', issued by '${oneLineName(last.issuer)}', which is not in the file (append the issuer up to the root)`);
  }
  return { inOrder, completeToSelfSignedRoot: inOrder && rootSelfSigned, problems };
}
