import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { PgLinkSettings } from '../../config/index.js';
import { parseSubjectAltName } from '../../pki/index.js';
import { x509 } from '../../pki/webcrypto.js';
import type { TlsMaterial } from './tls-settings.js';

/** Why the server was refused: OpenSSL's numbered wording (what Kong users search for) and the fix. */
export interface Refusal {
  reason: string;
  hint: string;
}

const TRUST_HINT = 'add the CA that issued the server certificate (e.g. /path/to/ca/chain.crt) to lua_ssl_trusted_certificate, and check that pg_host is the intended server';

/** Node's verify codes, which are OpenSSL's X509_V_ERR names, to OpenSSL's `<n>: <text>` as Kong prints them. */
const OPENSSL_REASONS: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT: '20: unable to get local issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '20: unable to get local issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '21: unable to verify the first certificate',
  SELF_SIGNED_CERT_IN_CHAIN: '19: self-signed certificate in certificate chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: '18: self-signed certificate',
  CERT_HAS_EXPIRED: '10: certificate has expired',
  CERT_NOT_YET_VALID: '9: certificate is not yet valid',
  CERT_SIGNATURE_FAILURE: '7: certificate signature failure',
  CERT_CHAIN_TOO_LONG: '22: certificate chain too long',
  CERT_REVOKED: '23: certificate revoked',
  INVALID_CA: '24: invalid CA certificate',
  PATH_LENGTH_EXCEEDED: '25: path length constraint exceeded',
  INVALID_PURPOSE: '26: unsupported certificate purpose',
  CERT_UNTRUSTED: '27: certificate not trusted',
  CERT_REJECTED: '28: certificate rejected',
};

export function openSslVerifyReason(code: string): string {
  return OPENSSL_REASONS[code] ?? code.toLowerCase().replace(/_/g, ' ');
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return a.fingerprint256 === b.fingerprint256;
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function selfIssued(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}

/** The certificates the server sent, leaf first, as Node exposes them. */
function peerCertificates(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  let node: PeerCertificate | undefined = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  const seen = new Set<string>();
  while (node && node.raw && !seen.has(node.fingerprint256)) {
    seen.add(node.fingerprint256);
    out.push(new X509Certificate(node.raw));
    node = (node as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  return out;
}

/**
 * The path OpenSSL builds: from the leaf, issuers looked up in the trust store first, then among
 * what the server sent, until a self-signed certificate. Only called once OpenSSL has accepted
 * the chain, so it ends in an anchor; this is for counting and revocation.
 */
export function buildChain(leaf: X509Certificate, sent: readonly X509Certificate[], anchors: readonly X509Certificate[]): X509Certificate[] {
  const chain = [leaf];
  let current = leaf;
  while (!selfIssued(current) && chain.length < 32) {
    const issuer = [...anchors, ...sent].find((c) => !sameCertificate(c, current) && issuedBy(current, c));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

/** OpenSSL's depth: intermediates allowed between the leaf and the trust anchor. */
export function intermediateCount(chain: readonly X509Certificate[]): number {
  return Math.max(0, chain.length - 2);
}

async function revocation(chain: readonly X509Certificate[], crls: readonly x509.X509Crl[]): Promise<Refusal | null> {
  for (let i = 0; i < chain.length - 1; i++) {
    const cert = chain[i];
    const issuer = chain[i + 1];
    const serial = new x509.X509Certificate(cert.raw).serialNumber.toLowerCase().replace(/^0+/, '');
    for (const crl of crls) {
      if (crl.issuer !== new x509.X509Certificate(issuer.raw).subject) continue;
      if (!(await crl.verify({ publicKey: new x509.X509Certificate(issuer.raw) }))) {
        return { reason: '8: CRL signature failure', hint: `a CRL in pg_ssl_crl names '${oneLine(issuer.subject)}' as issuer but is not signed by it; replace the file with the CA's real CRL` };
      }
      if (crl.entries.some((e) => e.serialNumber.toLowerCase().replace(/^0+/, '') === serial)) {
        return {
          reason: '23: certificate revoked',
          hint: `pg_ssl_crl revokes '${oneLine(cert.subject)}' (serial ${cert.serialNumber}); the PostgreSQL server must be given a new certificate`,
        };
      }
    }
  }
  return null;
}

function certificateNames(cert: PeerCertificate): string {
  const sans = parseSubjectAltName(cert.subjectaltname);
  if (sans.length > 0) return sans.join(', ');
  return cert.subject?.CN ? `CN=${String(cert.subject.CN)}` : '(no names)';
}

/** The name pg_ssl_verify_host checks, and SNI sends: pg_ssl_server_name, else pg_host. */
export function expectedServerName(link: PgLinkSettings): string {
  return link.sslServerName ?? link.host;
}

/** SNI never carries an IP address (RFC 6066 §3). */
export function sniName(link: PgLinkSettings): string | undefined {
  const name = link.sslServerName ?? link.host;
  return isIP(name) === 0 ? name : undefined;
}

/**
 * The checks of spec §3.4 after the handshake, in OpenSSL's order: the chain OpenSSL verified
 * against lua_ssl_trusted_certificate (signatures, dates), then depth, revocation, and the name.
 */
export async function verifyServer(socket: TLSSocket, link: PgLinkSettings, material: TlsMaterial): Promise<Refusal | null> {
  const leafPeer = socket.getPeerCertificate(false);
  if (!leafPeer || !leafPeer.raw) return { reason: 'the server sent no certificate', hint: 'configure ssl_cert_file on the PostgreSQL server' };
  const code = socket.authorizationError ? String((socket.authorizationError as unknown as { code?: string }).code ?? socket.authorizationError) : null;
  if (code) {
    const reason = openSslVerifyReason(code);
    const leaf = new X509Certificate(leafPeer.raw);
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
      return { reason, hint: `a certificate of the server chain is outside its validity (server certificate '${oneLine(leaf.subject)}' valid ${leaf.validFrom} to ${leaf.validTo}); renew ssl_cert_file on the PostgreSQL server` };
    }
    return { reason, hint: `${TRUST_HINT} (server certificate '${oneLine(leaf.subject)}' issued by '${oneLine(leaf.issuer)}')` };
  }
  const leaf = new X509Certificate(leafPeer.raw);
  const chain = buildChain(leaf, peerCertificates(socket), material.anchors);
  const intermediates = intermediateCount(chain);
  if (intermediates > link.verifyDepth) {
    return {
      reason: '22: certificate chain too long',
      hint: `the server chain has ${intermediates} intermediate CA${intermediates === 1 ? '' : 's'} but lua_ssl_verify_depth = ${link.verifyDepth}; set lua_ssl_verify_depth = ${intermediates}`,
    };
  }
  if (material.crls.length > 0) {
    const revoked = await revocation(chain, material.crls);
    if (revoked) return revoked;
  }
  if (link.sslVerifyHost) {
    const name = expectedServerName(link);
    if (checkServerIdentity(name, leafPeer)) {
      return {
        reason: `62: hostname mismatch (the server certificate is for ${certificateNames(leafPeer)}, not '${name}')`,
        hint: `set pg_ssl_server_name to a name the certificate carries, or reissue the server certificate with a SAN for '${name}'`,
      };
    }
  }
  return null;
}
