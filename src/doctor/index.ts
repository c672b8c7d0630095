import type { Config, PgLinkSettings } from '../config/index.js';
import { pgLinkSettings } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { loadTlsMaterial, type TlsMaterial } from '../datastore/postgres/tls-settings.js';
import { classifyLinkFailure, type ClientFacts } from './classify.js';
import { checkClientCertificate, checkTrustStore } from './local-files.js';
import { askForTls, connectTcp, handshake } from './probe.js';
import { judgeServerChain } from './server-chain.js';
import { openSession } from './session.js';
import type { CertificateExpiry, DoctorReport, DoctorStep } from './types.js';

export type { DoctorReport, DoctorStep, DoctorCause, CertificateExpiry, ServerSession, StepStatus } from './types.js';
export { EXPIRY_WARNING_DAYS } from './types.js';
export { renderReport } from './render.js';
export { observeServerChain } from './probe.js';

const TITLES: Record<DoctorStep['id'], string> = {
  settings: 'settings',
  'client-certificate': 'client certificate',
  'trust-store': 'trust store',
  tcp: 'TCP connection',
  'tls-offered': 'server offers TLS',
  'tls-handshake': 'TLS handshake',
  'server-certificate': 'server certificate',
  authentication: 'authentication',
  session: "server's view of the session",
};

function step(id: DoctorStep['id'], status: DoctorStep['status'], summary: string, details: string[] = []): DoctorStep {
  return { id, title: TITLES[id], status, summary, details };
}

function hexToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

class Walk {
  readonly steps: DoctorStep[] = [];
  readonly certificates: CertificateExpiry[] = [];
  blocked = false;

  add(s: DoctorStep): DoctorStep {
    this.steps.push(s);
    return s;
  }

  failed(id: DoctorStep['id'], reason: string, hint: string | undefined, link: PgLinkSettings, client: ClientFacts): void {
    const { cause, fix } = classifyLinkFailure(reason, hint, link, client);
    this.add({ ...step(id, 'fail', reason), reason, cause, fix });
    this.blocked = true;
  }

  skipRest(ids: DoctorStep['id'][]): void {
    for (const id of ids) if (!this.steps.some((s) => s.id === id)) this.add(step(id, 'skip', 'not reached'));
  }
}

/** The report when kong.conf itself does not load: the settings step fails, nothing else is tried. */
export function configFailureReport(reason: string): DoctorReport {
  const fix = 'correct the setting named above';
  return {
    ok: false,
    database: 'unknown',
    steps: [{ ...step('settings', 'fail', reason), reason, cause: 'config', fix }],
    firstFailure: { step: 'settings', cause: 'config', reason, fix },
    certificates: [],
  };
}

const LINK_STEPS: DoctorStep['id'][] = ['tcp', 'tls-offered', 'tls-handshake', 'server-certificate', 'authentication', 'session'];

/** Walks the PostgreSQL link step by step (spec §6). Never throws for a broken link: that is the report. */
export async function runDoctor(config: Config): Promise<DoctorReport> {
  if (config.database !== 'postgres') {
    const s = step('settings', 'skip', `database = ${config.database}: there is no PostgreSQL link to check (set database = postgres and the pg_* settings)`);
    return { ok: true, database: config.database, steps: [s], certificates: [] };
  }
  const link = pgLinkSettings(config, 'primary')!;
  const walk = new Walk();
  const report = (): DoctorReport => {
    const first = walk.steps.find((s) => s.status === 'fail');
    return {
      ok: !first,
      database: config.database,
      target: `${link.host}:${link.port}`,
      steps: walk.steps,
      firstFailure: first ? { step: first.id, cause: first.cause ?? 'unknown', reason: first.reason ?? first.summary, fix: first.fix ?? '' } : undefined,
      certificates: walk.certificates,
    };
  };

  walk.add(step('settings', 'pass', `pg_host = ${link.host}, pg_port = ${link.port}, pg_user = ${link.user}, pg_database = ${link.database}`, [
    `pg_ssl = ${onOff(link.ssl)}, pg_ssl_required = ${onOff(link.sslRequired)}, pg_ssl_verify = ${onOff(link.sslVerify)}, pg_ssl_verify_host = ${onOff(link.sslVerifyHost)}, pg_ssl_version = ${link.sslVersion}, lua_ssl_verify_depth = ${link.verifyDepth}`,
  ]));
  if (!link.ssl) walk.steps[0].details.push('pg_ssl is off: the link is plaintext (set pg_ssl = on, pg_ssl_required = on, pg_ssl_verify = on)');

  const client = checkClientCertificate(link);
  walk.add(client.step);
  walk.certificates.push(...client.certificates);
  const trust = checkTrustStore(link);
  walk.add(trust.step);
  walk.certificates.push(...trust.certificates);

  let material: TlsMaterial | null = null;
  if (client.usable && trust.store) {
    try {
      material = loadTlsMaterial(link);
    } catch (e) {
      walk.add({ ...step('settings', 'fail', errorMessage(e)), reason: errorMessage(e), cause: 'config', fix: 'correct the setting named above' });
      walk.blocked = true;
    }
  } else {
    walk.blocked = true;
  }
  if (walk.blocked) {
    walk.skipRest(LINK_STEPS);
    return report();
  }

  const tcp = await connectTcp(link);
  if (!tcp.ok) {
    walk.failed('tcp', tcp.failure.reason, tcp.failure.hint, link, client.facts);
    walk.skipRest(LINK_STEPS);
    return report();
  }
  walk.add(step('tcp', 'pass', `${link.host}:${link.port} accepts connections`));

  if (link.ssl && material) {
    const answer = await askForTls(tcp.value, link);
    if (!answer.ok) {
      tcp.value.destroy();
      walk.failed('tls-offered', answer.failure.reason, answer.failure.hint, link, client.facts);
      walk.skipRest(LINK_STEPS);
      return report();
    }
    if (answer.value === 'N') {
      tcp.value.destroy();
      if (link.sslRequired || link.sslVerify) {
        walk.failed('tls-offered', 'the server does not support SSL connections', undefined, link, client.facts);
        walk.skipRest(LINK_STEPS);
        return report();
      }
      walk.add(step('tls-offered', 'warn', 'the server does not offer TLS; the link continues in plaintext because pg_ssl_required and pg_ssl_verify are off'));
      walk.add(step('tls-handshake', 'skip', 'no TLS'));
      walk.add(step('server-certificate', 'skip', 'no TLS'));
    } else {
      walk.add(step('tls-offered', 'pass', 'the server answered S to SSLRequest'));
      const secure = await handshake(tcp.value, link, material);
      if (!secure.ok) {
        walk.failed('tls-handshake', secure.failure.reason, secure.failure.hint, link, client.facts);
        walk.skipRest(LINK_STEPS);
        return report();
      }
      const cipher = secure.value.getCipher();
      walk.add(step('tls-handshake', 'pass', `${secure.value.getProtocol()}, ${cipher.standardName ?? cipher.name}${link.sslCert ? ', client certificate sent' : ''}`));
      const judged = await judgeServerChain(secure.value, link, material, trust.entryOf);
      secure.value.destroy();
      walk.add(judged.step);
      walk.certificates.push(...judged.certificates);
      if (judged.step.status === 'fail') {
        walk.skipRest(LINK_STEPS);
        return report();
      }
    }
  } else {
    tcp.value.destroy();
    walk.add(step('tls-offered', 'skip', 'pg_ssl is off'));
    walk.add(step('tls-handshake', 'skip', 'pg_ssl is off'));
    walk.add(step('server-certificate', 'skip', 'pg_ssl is off'));
  }

  const session = await openSession(link, material);
  if (!session.ok) {
    walk.failed('authentication', session.reason, session.hint, link, client.facts);
    walk.skipRest(LINK_STEPS);
    return report();
  }
  walk.add(step('authentication', 'pass', `logged in as ${session.session.user} to ${link.database}`, session.warnings));
  const s = session.session;
  const details: string[] = [];
  if (s.ssl) {
    details.push(`client DN ${s.clientDn ?? '(no client certificate)'}${s.clientSerial ? `, serial ${s.clientSerial}` : ''}${s.issuerDn ? `, issuer ${s.issuerDn}` : ''}`);
    if (client.facts.serialHex && s.clientSerial && s.clientSerial !== hexToDecimal(client.facts.serialHex)) {
      details.push(`the server saw serial ${s.clientSerial}, not pg_ssl_cert's ${hexToDecimal(client.facts.serialHex)}`);
    }
  }
  walk.add(step('session', s.ssl ? 'pass' : 'warn', s.ssl ? `pg_stat_ssl: ${s.version}, ${s.cipher} (${s.bits} bits)` : 'pg_stat_ssl: this session is NOT encrypted', details));
  const r = report();
  r.session = s;
  return r;
}

function onOff(b: boolean): string {
  return b ? 'on' : 'off';
}
