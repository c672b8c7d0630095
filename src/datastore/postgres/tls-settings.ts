import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { createSecureContext, type SecureContext, type SecureVersion } from 'node:tls';
import type { Config, PgLinkSettings } from '../../config/index.js';
import { allowedTlsVersions, pgLinkSettings } from '../../config/index.js';
import { ErrorCode, GatewayError, errorMessage, isGatewayError } from '../../errors.js';
import { loadTrustStore, readCertificates, readCrl, readPemFile, readPrivateKey } from '../../pki/index.js';
import { x509 } from '../../pki/webcrypto.js';

/**
 * Every trust decision input of one link, read from disk once (at start, and again only when
 * the material is reloaded): nothing here is re-read per connection.
 */
export interface TlsMaterial {
  /** Built once: trust anchors, client chain and key, version range. */
  readonly secureContext: SecureContext;
  /** lua_ssl_trusted_certificate, parsed: the anchors the chain must end in. */
  readonly anchors: readonly X509Certificate[];
  /** The client certificate chain (leaf first) when pg_ssl_cert is set. */
  readonly clientChain: readonly X509Certificate[];
  /** pg_ssl_crl, parsed. */
  readonly crls: readonly x509.X509Crl[];
  /** Node names of the allowed versions, lowest first (pg_ssl_version ∩ lua_ssl_protocols). */
  readonly versions: readonly SecureVersion[];
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  /** Lines worth a warning at start (key permissions, `system` bundle missing, …). */
  readonly warnings: readonly string[];
  readonly loadedAt: Date;
}

function configError(message: string): GatewayError {
  return new GatewayError(ErrorCode.CONFIG, message);
}

/** pki's messages already name the file; prefix them with the setting the user wrote. */
function asSettingError(setting: string, err: unknown): GatewayError {
  const message = errorMessage(err);
  return configError(message.startsWith(`${setting}:`) ? message : `${setting}: ${message}`);
}

/** Ordered TLS versions for the link, or a config error naming both settings. */
export function linkTlsVersions(link: PgLinkSettings): SecureVersion[] {
  const versions = allowedTlsVersions(link.sslVersion, link.protocols) as SecureVersion[];
  if (versions.length === 0) {
    const key = link.role === 'replica' ? 'pg_ro_ssl_version' : 'pg_ssl_version';
    throw configError(`${key}: ${link.sslVersion} is not allowed by lua_ssl_protocols '${link.protocols}' (add it to lua_ssl_protocols or choose another version)`);
  }
  return versions;
}

function keyPermissionWarning(path: string): string | null {
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) === 0) return null;
    return `pg_ssl_cert_key: '${path}' is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 0600 '${path}'`;
  } catch {
    return null;
  }
}

function loadClientPair(link: PgLinkSettings): { certPem: string; keyPem: string; chain: X509Certificate[]; warning: string | null } | null {
  if (!link.sslCert && !link.sslCertKey) return null;
  if (!link.sslCert) throw configError('pg_ssl_cert_key: set without pg_ssl_cert (set pg_ssl_cert to the client certificate)');
  if (!link.sslCertKey) throw configError("pg_ssl_cert: set without pg_ssl_cert_key (set pg_ssl_cert_key to the client certificate's private key)");
  let certPem: string;
  let chain: X509Certificate[];
  try {
    certPem = readPemFile(link.sslCert, 'file');
    chain = readCertificates(certPem, `'${link.sslCert}'`);
  } catch (err) {
    throw asSettingError('pg_ssl_cert', err);
  }
  if (chain.length === 0) {
    throw configError(`pg_ssl_cert: '${link.sslCert}' contains no PEM certificate (expected "-----BEGIN CERTIFICATE-----" blocks, the client certificate first)`);
  }
  let keyPem: string;
  let matches: boolean;
  try {
    keyPem = readPemFile(link.sslCertKey, 'file');
    const key = readPrivateKey(keyPem, `'${link.sslCertKey}'`);
    try {
      matches = chain[0].checkPrivateKey(key);
    } catch {
      // Node throws when key types differ (an EC key for an RSA certificate): a mismatch all the same.
      matches = false;
    }
  } catch (err) {
    throw asSettingError('pg_ssl_cert_key', err);
  }
  if (!matches) {
    throw configError(
      `pg_ssl_cert_key: the key in '${link.sslCertKey}' does not belong to the first certificate of pg_ssl_cert '${link.sslCert}' (${chain[0].subject.replace(/\n/g, ', ')}); give that certificate's key, and keep the client certificate first in the file`,
    );
  }
  return { certPem, keyPem, chain, warning: keyPermissionWarning(link.sslCertKey) };
}

function loadCrls(link: PgLinkSettings): x509.X509Crl[] {
  const crls: x509.X509Crl[] = [];
  for (const path of link.sslCrl) {
    try {
      const text = readPemFile(path, 'file');
      readCrl(text, `'${path}'`); // validates: at least one parseable CRL
      for (const block of text.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? []) crls.push(new x509.X509Crl(block));
    } catch (err) {
      throw asSettingError('pg_ssl_crl', err);
    }
  }
  return crls;
}

/**
 * Reads and checks everything the link's TLS needs. Throws one GatewayError(CONFIG) whose
 * message names the setting and the fix. Returns null when the link does not use TLS.
 */
export function loadTlsMaterial(link: PgLinkSettings): TlsMaterial | null {
  if (!link.ssl) return null;
  const warnings: string[] = [];
  const versions = linkTlsVersions(link);
  let trust;
  try {
    trust = loadTrustStore([...link.trustedCertificates]);
  } catch (err) {
    throw isGatewayError(err) ? err : asSettingError('lua_ssl_trusted_certificate', err);
  }
  warnings.push(...trust.notes);
  if (link.sslVerify && trust.certificates.length === 0) {
    warnings.push(`lua_ssl_trusted_certificate: no trusted certificate loaded, so pg_ssl_verify will refuse every server (add the CA file, e.g. lua_ssl_trusted_certificate = system,/path/to/ca/chain.crt)`);
  }
  const client = loadClientPair(link);
  if (client?.warning) warnings.push(client.warning);
  const crls = loadCrls(link);
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext({
      // An empty list (not undefined) keeps Node from falling back to its own bundled roots.
      ca: trust.pems,
      cert: client?.certPem,
      key: client?.keyPem,
      minVersion: versions[0],
      maxVersion: versions[versions.length - 1],
    });
  } catch (err) {
    throw configError(`pg_ssl_cert: the client certificate or key cannot be used for TLS (${errorMessage(err)}); check pg_ssl_cert and pg_ssl_cert_key`);
  }
  return Object.freeze({
    secureContext,
    anchors: trust.certificates,
    clientChain: client?.chain ?? [],
    crls,
    versions,
    minVersion: versions[0],
    maxVersion: versions[versions.length - 1],
    warnings,
    loadedAt: new Date(),
  });
}

/**
 * The material one link uses for new connections. `current()` is what the pool calls per new
 * connection; `reload()` re-reads the files and swaps only when they are valid, so a broken
 * rotation never takes the link down and pooled connections keep their session.
 */
export interface TlsMaterialSource {
  current(): TlsMaterial | null;
  reload(): { ok: true; material: TlsMaterial | null } | { ok: false; error: GatewayError };
}

export function createTlsMaterialSource(link: PgLinkSettings, initial: TlsMaterial | null = loadTlsMaterial(link)): TlsMaterialSource {
  let material = initial;
  return {
    current: () => material,
    reload() {
      try {
        material = loadTlsMaterial(link);
        return { ok: true, material };
      } catch (err) {
        return { ok: false, error: isGatewayError(err) ? err : configError(errorMessage(err)) };
      }
    },
  };
}

function linksOf(config: Config): PgLinkSettings[] {
  if (config.database !== 'postgres') return [];
  return [pgLinkSettings(config, 'primary'), pgLinkSettings(config, 'replica')].filter((l): l is PgLinkSettings => l !== null);
}

export interface LinkFileReport {
  errors: string[];
  warnings: string[];
}

/**
 * What `silverback check` and `start` run before any connection: every file behind the
 * PostgreSQL links (trust store, client certificate and key, CRLs) exists, parses and fits.
 */
export function checkPostgresLinkFiles(config: Config): LinkFileReport {
  const errors = new Set<string>();
  const warnings = new Set<string>();
  for (const link of linksOf(config)) {
    const prefix = link.role === 'replica' ? 'read replica: ' : '';
    try {
      const material = loadTlsMaterial(link);
      for (const w of material?.warnings ?? []) warnings.add(w);
    } catch (err) {
      errors.add(errorMessage(err));
      continue;
    }
    if (link.ssl && !link.sslVerify) {
      warnings.add(`${prefix}pg_ssl_verify is off: the PostgreSQL link at ${link.host}:${link.port} is encrypted but the server is not authenticated (set pg_ssl_verify = on and list its CA in lua_ssl_trusted_certificate)`);
    }
    if (link.ssl && link.sslVerifyHost && !link.sslVerify) {
      warnings.add('pg_ssl_verify_host: has no effect while pg_ssl_verify is off (set pg_ssl_verify = on)');
    }
    if (!link.ssl && (link.sslVerify || link.sslRequired)) {
      warnings.add(`${prefix}pg_ssl is off, so ${link.sslVerify ? 'pg_ssl_verify' : 'pg_ssl_required'} has no effect (set pg_ssl = on)`);
    }
  }
  return { errors: [...errors], warnings: [...warnings] };
}

/** The errors of checkPostgresLinkFiles: one line each, naming the setting and the fix. */
export function validateLinkFiles(config: Config): string[] {
  return checkPostgresLinkFiles(config).errors;
}
