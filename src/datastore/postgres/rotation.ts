import { createHash, type X509Certificate } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { PgLinkSettings } from '../../config/index.js';
import { describeCertificate, findSystemBundle, loadTrustStore } from '../../pki/index.js';
import type { LinkPool } from './link-pool.js';
import type { TlsMaterial, TlsMaterialSource } from './tls-settings.js';

/**
 * Certificate rotation without restart (spec §7): the files behind pg_ssl_cert,
 * pg_ssl_cert_key, lua_ssl_trusted_certificate and pg_ssl_crl are watched; a valid change is
 * used for new connections and connections made with older material retire when released; a
 * broken change is refused with one logged error and the old material stays in use.
 */

export interface RotationLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RotationEvent {
  ok: boolean;
  /** Material generation after the event (unchanged when refused). */
  generation: number;
  error?: string;
}

export interface RotationOptions {
  link: PgLinkSettings;
  source: TlsMaterialSource;
  /** The link's pool: connections made with older material leave it when released. */
  pool?: LinkPool;
  log: RotationLog;
  /** The stat/read fallback for file systems where fs.watch misses changes (NFS, some containers). */
  pollIntervalMs?: number;
  /** Files are often written one after another (certificate, then key): wait this long for the rest. */
  debounceMs?: number;
  onChange?: (event: RotationEvent) => void;
}

export interface TlsRotation {
  readonly generation: number;
  readonly files: readonly string[];
  /** Compares the files with what is loaded and reloads when they differ; null when unchanged. */
  check(): RotationEvent | null;
  close(): void;
}

/** The files a link's TLS material is read from (`system` resolves to the OS bundle). */
export function watchedFiles(link: PgLinkSettings): string[] {
  const files = new Set<string>();
  if (link.sslCert) files.add(link.sslCert);
  if (link.sslCertKey) files.add(link.sslCertKey);
  for (const entry of link.trustedCertificates) {
    const path = entry.trim() === 'system' ? findSystemBundle() : entry.trim();
    if (path) files.add(path);
  }
  for (const crl of link.sslCrl) files.add(crl);
  return [...files];
}

function signature(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file);
    try {
      hash.update(readFileSync(file));
    } catch (e) {
      hash.update(`<${(e as NodeJS.ErrnoException).code ?? 'unreadable'}>`);
    }
  }
  return hash.digest('hex');
}

interface PgPoolInternals {
  on(event: 'connect', listener: (client: object) => void): void;
  on(event: 'release', listener: (err: Error | undefined, client: object) => void): void;
  _expired?: WeakSet<object>;
}

/**
 * Makes connections opened with older material leave the pool when next released. pg-pool
 * removes a released client it finds in its `_expired` set (the mechanism behind its own
 * maxLifetimeSeconds); 'release' fires just before that check. LinkPool keeps its pg.Pool
 * private, so this reaches it by name and does nothing if the shape is not the expected one
 * (connections then retire through pg_keepalive_timeout alone). Returns whether it is active.
 */
export function retireOnRelease(pool: LinkPool, currentGeneration: () => number): boolean {
  const inner = (pool as unknown as { pool?: PgPoolInternals }).pool;
  if (!inner || typeof inner.on !== 'function' || !(inner._expired instanceof WeakSet)) return false;
  const expired = inner._expired;
  const bornIn = new WeakMap<object, number>();
  inner.on('connect', (client) => bornIn.set(client, currentGeneration()));
  // Connections opened before watching began (the pre-flight one) count as generation 0.
  inner.on('release', (_err, client) => {
    if ((bornIn.get(client) ?? 0) < currentGeneration()) expired.add(client);
  });
  return true;
}

export function watchTlsMaterial(options: RotationOptions): TlsRotation {
  const { link, source, log } = options;
  const files = watchedFiles(link);
  let generation = 0;
  let loaded = signature(files);
  let refused: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  if (options.pool && !retireOnRelease(options.pool, () => generation)) {
    log.warn('pooled PostgreSQL connections cannot be retired on certificate rotation; they close after pg_keepalive_timeout');
  }

  const check = (): RotationEvent | null => {
    const now = signature(files);
    if (now === loaded || now === refused) return null;
    const result = source.reload();
    let event: RotationEvent;
    if (result.ok) {
      loaded = now;
      refused = null;
      generation++;
      const leaf = result.material?.clientChain[0];
      log.info(`PostgreSQL TLS files changed; new connections to ${link.host}:${link.port} use them${leaf ? ` (pg_ssl_cert serial ${describeCertificate(leaf).serialHex})` : ''}, pooled connections retire when released`);
      for (const line of expiryWarnings(result.material, link)) log.warn(line);
      event = { ok: true, generation };
    } else {
      refused = now;
      log.error(`refused the changed PostgreSQL TLS files, keeping the ones loaded before: ${result.error.message}`);
      event = { ok: false, generation, error: result.error.message };
    }
    options.onChange?.(event);
    return event;
  };

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!closed) check();
    }, options.debounceMs ?? 200);
    timer.unref();
  };

  const watchers: FSWatcher[] = [];
  const byDir = new Map<string, Set<string>>();
  for (const file of files) {
    const names = byDir.get(dirname(file)) ?? new Set<string>();
    names.add(basename(file));
    byDir.set(dirname(file), names);
  }
  for (const [dir, names] of byDir) {
    try {
      // The directory, not the file: tools replace certificates by rename, which a file watch loses.
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (!name || names.has(name.toString())) schedule();
      });
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch {
      // No watch support here: the poll below still sees the change.
    }
  }
  const poll = setInterval(schedule, options.pollIntervalMs ?? 5000);
  poll.unref();

  return {
    get generation() {
      return generation;
    },
    files,
    check,
    close() {
      closed = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

export interface ExpiringCertificate {
  role: 'client certificate (pg_ssl_cert)' | 'trust anchor (lua_ssl_trusted_certificate)' | 'server certificate chain';
  subject: string;
  serialHex: string;
  notAfter: Date;
  daysLeft: number;
}

function systemFingerprints(link: PgLinkSettings): Set<string> {
  if (!link.trustedCertificates.some((e) => e.trim() === 'system')) return new Set();
  try {
    return new Set(loadTrustStore(['system']).certificates.map((c) => c.fingerprint256));
  } catch {
    return new Set();
  }
}

/**
 * Certificates in use that expire within `withinDays`: the client chain, the trust anchors from
 * the user's own files (the OS bundle is the OS's business), and the server chain when observed.
 */
export function expiringCertificates(
  material: TlsMaterial | null,
  link: PgLinkSettings,
  options: { withinDays?: number; now?: Date; serverChain?: readonly X509Certificate[] } = {},
): ExpiringCertificate[] {
  const within = options.withinDays ?? 30;
  const now = options.now ?? new Date();
  const system = systemFingerprints(link);
  const candidates: [ExpiringCertificate['role'], X509Certificate][] = [
    ...(material?.clientChain ?? []).map((c) => ['client certificate (pg_ssl_cert)', c] as [ExpiringCertificate['role'], X509Certificate]),
    ...(material?.anchors ?? []).filter((c) => !system.has(c.fingerprint256)).map((c) => ['trust anchor (lua_ssl_trusted_certificate)', c] as [ExpiringCertificate['role'], X509Certificate]),
    ...(options.serverChain ?? []).map((c) => ['server certificate chain', c] as [ExpiringCertificate['role'], X509Certificate]),
  ];
  return candidates
    .map(([role, cert]) => {
      const d = describeCertificate(cert, now);
      return { role, subject: d.subject, serialHex: d.serialHex, notAfter: d.notAfter, daysLeft: d.daysLeft };
    })
    .filter((e) => e.daysLeft < within);
}

export function expiryWarnings(material: TlsMaterial | null, link: PgLinkSettings, serverChain?: readonly X509Certificate[]): string[] {
  return expiringCertificates(material, link, { serverChain }).map((e) =>
    e.daysLeft < 0
      ? `PostgreSQL link ${link.host}:${link.port}: ${e.role} '${e.subject}' (serial ${e.serialHex}) EXPIRED on ${e.notAfter.toISOString().slice(0, 10)}; replace it`
      : `PostgreSQL link ${link.host}:${link.port}: ${e.role} '${e.subject}' (serial ${e.serialHex}) expires in ${e.daysLeft} days (${e.notAfter.toISOString().slice(0, 10)}); renew it (a running node picks up the new files)`,
  );
}
