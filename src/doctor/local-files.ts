import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import type { PgLinkSettings } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { describeCertificate, findSystemBundle, loadTrustStore, readCertificateFile, readPrivateKeyFile, type TrustStore } from '../pki/index.js';
import type { ClientFacts } from './classify.js';
import type { CertificateExpiry, DoctorStep } from './types.js';

export function expiryOf(cert: X509Certificate, role: CertificateExpiry['role'], source: string): CertificateExpiry {
  const d = describeCertificate(cert);
  return { role, subject: d.subject, serialHex: d.serialHex, notAfter: d.notAfter.toISOString(), daysLeft: d.daysLeft, source };
}

export function daysText(days: number): string {
  return days < 0 ? `expired ${-days} days ago` : `${days} days left`;
}

export interface ClientCheck {
  step: DoctorStep;
  facts: ClientFacts;
  certificates: CertificateExpiry[];
  /** False when the link cannot even be tried (unreadable or mismatched files). */
  usable: boolean;
}

/** The client certificate of spec §6: readable, key matches, within dates, key not group/world readable. */
export function checkClientCertificate(link: PgLinkSettings): ClientCheck {
  const step: DoctorStep = { id: 'client-certificate', title: 'client certificate', status: 'pass', summary: '', details: [] };
  if (!link.sslCert || !link.sslCertKey) {
    step.status = 'skip';
    step.summary = 'pg_ssl_cert is not set: no client certificate is presented';
    return { step, facts: {}, certificates: [], usable: true };
  }
  const fail = (cause: DoctorStep['cause'], reason: string, fix: string, usable: boolean): ClientCheck => {
    Object.assign(step, { status: 'fail', summary: reason, reason, cause, fix });
    return { step, facts, certificates, usable };
  };
  const facts: ClientFacts = {};
  const certificates: CertificateExpiry[] = [];
  let chain: X509Certificate[];
  try {
    chain = readCertificateFile(link.sslCert, 'pg_ssl_cert').certificates;
  } catch (e) {
    return fail('client-cert-invalid', errorMessage(e), 'point pg_ssl_cert at the PEM client certificate (client first, intermediates after)', false);
  }
  const leaf = describeCertificate(chain[0]);
  facts.cn = chain[0].subject.split('\n').find((p) => p.startsWith('CN='))?.slice(3);
  facts.issuer = leaf.issuer;
  facts.serialHex = leaf.serialHex;
  chain.forEach((c, i) => certificates.push(expiryOf(c, 'client', i === 0 ? link.sslCert! : `${link.sslCert} #${i + 1}`)));
  step.details.push(`${leaf.subject}, issued by ${leaf.issuer}, serial ${leaf.serialHex}, ${daysText(leaf.daysLeft)}`);
  let keyMatches = false;
  try {
    const { key } = readPrivateKeyFile(link.sslCertKey, 'pg_ssl_cert_key');
    try {
      keyMatches = chain[0].checkPrivateKey(key);
    } catch {
      keyMatches = false;
    }
  } catch (e) {
    return fail('client-cert-invalid', errorMessage(e), 'point pg_ssl_cert_key at the unencrypted PEM key of pg_ssl_cert', false);
  }
  if (!keyMatches) {
    return fail('client-cert-invalid', `pg_ssl_cert_key '${link.sslCertKey}' is not the key of pg_ssl_cert '${link.sslCert}'`, "give the certificate's own key (silverback certs inspect --key can tell)", false);
  }
  step.details.push(`key ${link.sslCertKey} matches`);
  if (leaf.daysLeft < 0 || leaf.notBefore.getTime() > Date.now()) {
    return fail('client-cert-expired', `pg_ssl_cert is outside its validity (${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()})`, 'issue a new client certificate and point pg_ssl_cert / pg_ssl_cert_key at it', true);
  }
  const mode = statSync(link.sslCertKey).mode & 0o777;
  const modeText = mode.toString(8).padStart(4, '0');
  if ((mode & 0o077) !== 0) {
    return fail('client-key-permissions', `pg_ssl_cert_key '${link.sslCertKey}' is readable by group or others (mode ${modeText})`, `run chmod 0600 ${link.sslCertKey} (only the gateway's user may read a private key)`, true);
  }
  step.summary = `${leaf.subject} (${daysText(leaf.daysLeft)}), key matches, key mode ${modeText}`;
  if (leaf.daysLeft < 30) step.status = 'warn';
  return { step, facts, certificates, usable: true };
}

export interface TrustCheck {
  step: DoctorStep;
  store: TrustStore | null;
  /** Which entry each anchor came from, by fingerprint. */
  entryOf: Map<string, string>;
  certificates: CertificateExpiry[];
}

/** lua_ssl_trusted_certificate, loaded as the link loads it; anchors from the OS bundle are not listed one by one. */
export function checkTrustStore(link: PgLinkSettings): TrustCheck {
  const step: DoctorStep = { id: 'trust-store', title: 'trust store', status: 'pass', summary: '', details: [] };
  const entryOf = new Map<string, string>();
  const certificates: CertificateExpiry[] = [];
  let store: TrustStore;
  try {
    store = loadTrustStore([...link.trustedCertificates]);
  } catch (e) {
    Object.assign(step, { status: 'fail', summary: errorMessage(e), reason: errorMessage(e), cause: 'config', fix: 'correct lua_ssl_trusted_certificate: `system` and/or PEM files holding the CA chain of the server' });
    return { step, store: null, entryOf, certificates };
  }
  let index = 0;
  const systemPath = findSystemBundle();
  for (const source of store.sources) {
    for (let i = 0; i < source.count; i++, index++) {
      const cert = store.certificates[index];
      entryOf.set(cert.fingerprint256, source.entry === 'system' ? `system (${systemPath})` : source.entry);
      if (source.entry !== 'system') certificates.push(expiryOf(cert, 'trust anchor', source.entry));
    }
    step.details.push(`${source.entry === 'system' ? `system (${source.path})` : source.entry}: ${source.count} certificate${source.count === 1 ? '' : 's'}`);
  }
  step.details.push(...store.notes);
  step.summary = `lua_ssl_trusted_certificate: ${store.certificates.length} certificates from ${store.sources.length} entr${store.sources.length === 1 ? 'y' : 'ies'}`;
  if (store.certificates.length === 0 && link.sslVerify) {
    Object.assign(step, { status: 'fail', reason: 'no trusted certificate loaded', cause: 'wrong-ca', fix: 'add the CA chain of the server (e.g. chain.crt) to lua_ssl_trusted_certificate' });
  }
  return { step, store, entryOf, certificates };
}
