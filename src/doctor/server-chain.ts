import { checkServerIdentity, type TLSSocket } from 'node:tls';
import type { PgLinkSettings } from '../config/index.js';
import { describeCertificate } from '../pki/index.js';
import type { TlsMaterial } from '../datastore/postgres/tls-settings.js';
import { buildChain, expectedServerName, intermediateCount, verifyServer } from '../datastore/postgres/verify-server.js';
import { classifyServerRefusal } from './classify.js';
import { daysText, expiryOf } from './local-files.js';
import { sentChain } from './probe.js';
import type { CertificateExpiry, DoctorStep } from './types.js';

/**
 * The server's chain as observed: subjects and expiry, which trust entry anchors it, its depth
 * against lua_ssl_verify_depth and the name; judged by the link's own verifier, so doctor and the
 * link can never disagree. With pg_ssl_verify off it says what verification would find.
 */
export async function judgeServerChain(
  socket: TLSSocket,
  link: PgLinkSettings,
  material: TlsMaterial,
  entryOf: Map<string, string>,
): Promise<{ step: DoctorStep; certificates: CertificateExpiry[] }> {
  const step: DoctorStep = { id: 'server-certificate', title: 'server certificate', status: 'pass', summary: '', details: [] };
  const sent = sentChain(socket);
  const certificates: CertificateExpiry[] = [];
  if (sent.length === 0) {
    Object.assign(step, { status: 'fail', summary: 'the server sent no certificate', reason: 'the server sent no certificate', cause: 'unknown', fix: 'set ssl_cert_file on the PostgreSQL server' });
    return { step, certificates };
  }
  const chain = buildChain(sent[0], sent, material.anchors);
  chain.forEach((cert, i) => {
    const d = describeCertificate(cert);
    const anchor = entryOf.get(cert.fingerprint256);
    const sentByServer = sent.some((s) => s.fingerprint256 === cert.fingerprint256);
    certificates.push(expiryOf(cert, 'server chain', sentByServer ? 'server' : anchor ?? 'trust store'));
    step.details.push(`${i === 0 ? 'leaf' : `#${i + 1}`}: ${d.subject}${d.sans.length && i === 0 ? ` [${d.sans.join(', ')}]` : ''}, ${daysText(d.daysLeft)}${anchor ? `, trusted via ${anchor}` : ''}`);
  });
  const last = chain[chain.length - 1];
  const anchored = entryOf.get(last.fingerprint256);
  const depth = intermediateCount(chain);
  step.details.push(`intermediates: ${depth} (lua_ssl_verify_depth = ${link.verifyDepth})${anchored ? `; anchored by ${anchored}` : '; not anchored in lua_ssl_trusted_certificate'}`);

  const name = expectedServerName(link);
  const nameError = checkServerIdentity(name, socket.getPeerCertificate(false));
  step.details.push(`name '${name}' ${nameError ? 'does NOT match' : 'matches'} the certificate${link.sslVerifyHost ? '' : ' (checked only with pg_ssl_verify_host = on, which doctor recommends)'}`);

  const refusal = await verifyServer(socket, link, material);
  const leaf = describeCertificate(sent[0]);
  if (refusal && link.sslVerify) {
    const cause = classifyServerRefusal(refusal.reason);
    Object.assign(step, { status: 'fail', summary: refusal.reason, reason: refusal.reason, cause, fix: refusal.hint });
    return { step, certificates };
  }
  if (refusal) {
    step.status = 'warn';
    step.summary = `pg_ssl_verify is off, so this server is not authenticated; with it on the link would be refused: ${refusal.reason}`;
    step.fix = refusal.hint;
  } else if (!link.sslVerify) {
    step.status = 'warn';
    step.summary = `${leaf.subject} would verify, but pg_ssl_verify is off: set pg_ssl_verify = on`;
  } else {
    step.summary = `${leaf.subject} verified (${daysText(leaf.daysLeft)})${anchored ? ` via ${anchored}` : ''}`;
    if (certificates.some((c) => c.daysLeft < 30)) step.status = 'warn';
  }
  return { step, certificates };
}
