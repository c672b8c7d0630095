import { X509Certificate } from 'node:crypto';
import { GatewayError, ErrorCode } from '../errors.js';
import { readCertificates, splitCertificatePems } from './pem.js';
import { existsSync, readFileSync, statSync } from 'node:fs';

/** Where distributions keep their CA bundle; Kong resolves `system` to the first that exists, in this order. */
export const systemBundleCandidates: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

export interface TrustSource {
  entry: string;
  path: string;
  count: number;
}

export interface TrustStore {
  /** One PEM per certificate, for Node's `tls` `ca` option. */
  pems: string[];
  certificates: X509Certificate[];
  sources: TrustSource[];
  /** Remarks such as `system` finding no bundle (then dropped, as Kong does). */
  notes: string[];
}

const SETTING = 'lua_ssl_trusted_certificate';

function fail(entry: string, problem: string, fix: string): never {
  throw new GatewayError(ErrorCode.CONFIG, `${SETTING}: '${entry}' ${problem} (${fix})`);
}

export function findSystemBundle(candidates: readonly string[] = systemBundleCandidates): string | undefined {
  return candidates.find((path) => existsSync(path));
}

function readEntryFile(entry: string, path: string): string {
  try {
    if (statSync(path).isDirectory()) fail(entry, 'is a directory, not a PEM file', 'give a PEM file, e.g. /path/to/ca/chain.crt');
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(entry, 'does not exist', 'check the path, or use `system` for the OS bundle');
    if (code === 'EACCES' || code === 'EPERM') fail(entry, 'is not readable (permission denied)', 'make it readable by the gateway user');
    fail(entry, `cannot be read (${code ?? (err as Error).message})`, 'check the path and its permissions');
  }
}

/**
 * Resolves kong.conf's `lua_ssl_trusted_certificate` list into certificates. `system` means the OS
 * bundle; everything else is a PEM file that must hold at least one certificate.
 */
export function loadTrustStore(
  entries: string[],
  options: { systemCandidates?: readonly string[] } = {},
): TrustStore {
  const store: TrustStore = { pems: [], certificates: [], sources: [], notes: [] };
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    let path = entry;
    if (entry === 'system') {
      const found = findSystemBundle(options.systemCandidates ?? systemBundleCandidates);
      if (!found) {
        store.notes.push(`${SETTING}: 'system' found no OS CA bundle (looked in ${(options.systemCandidates ?? systemBundleCandidates).join(', ')}); entry ignored`);
        continue;
      }
      path = found;
    }
    const label = entry === 'system' ? `system (${path})` : entry;
    const text = readEntryFile(label, path);
    const pems = splitCertificatePems(text);
    if (pems.length === 0) {
      fail(label, text.trim() === '' ? 'is empty' : 'contains no PEM certificate', 'expected "-----BEGIN CERTIFICATE-----" blocks, e.g. the CA chain.crt');
    }
    let certificates: X509Certificate[];
    try {
      certificates = readCertificates(text, path);
    } catch (err) {
      fail(label, `has a certificate that cannot be parsed (${(err as Error).message})`, 'replace it with valid PEM certificates');
    }
    store.pems.push(...pems);
    store.certificates.push(...certificates);
    store.sources.push({ entry, path, count: pems.length });
  }
  return store;
}
