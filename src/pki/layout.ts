import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError, ErrorCode } from '../errors.js';
import {
  createClientCertificate,
  createIntermediateCa,
  createRootCa,
  createServerCertificate,
  type CertificateAndKey,
  type Validity,
} from './generate.js';
import type { KeyType } from './keys.js';

/**
 * The seed's three recipes ("Intermediate CA chain", "Chain without intermediate CA",
 * "Self-signed certificates for testing") plus a longer chain, used to exercise `lua_ssl_verify_depth`.
 */
export type LayoutKind = 'intermediate' | 'direct' | 'self-signed' | 'two-intermediates';
export const layoutKinds: readonly LayoutKind[] = ['intermediate', 'direct', 'self-signed', 'two-intermediates'];

export interface LayoutOptions {
  layout: LayoutKind;
  /** Server SANs; the first is also the CN. */
  serverNames?: string[];
  clientCn?: string;
  /** Leaf lifetime (the seed's 365 by default); CAs live at least as long as the seed's 3650/1825 days. */
  days?: number;
  keyType?: KeyType;
  /** Per-certificate validity overrides, e.g. an expired server certificate. */
  validity?: Partial<Record<'root' | 'intermediate' | 'server' | 'client', Validity>>;
}

export interface LayoutResult {
  layout: LayoutKind;
  /** Absent for self-signed. */
  root?: CertificateAndKey;
  /** Issuing CAs between root and leaves, leaf side first (`intermediate`, then its parent). */
  intermediates: CertificateAndKey[];
  server: CertificateAndKey;
  client: CertificateAndKey;
  /** chain.crt: intermediates leaf side first, then root (the seed's `cat`); root alone for `direct`; empty for self-signed. */
  chainPem: string;
  /** What the client side (Kong's lua_ssl_trusted_certificate) trusts to verify the server. */
  serverTrustPem: string;
  /** What PostgreSQL's ssl_ca_file holds to verify clients. */
  clientTrustPem: string;
}

export async function createLayout(options: LayoutOptions): Promise<LayoutResult> {
  const { layout, keyType } = options;
  const leafDays = options.days ?? 365;
  const v = options.validity ?? {};
  const serverOpts = { keyType, days: leafDays, names: options.serverNames, ...v.server };
  const clientOpts = { keyType, days: leafDays, cn: options.clientCn, ...v.client };

  if (layout === 'self-signed') {
    const [server, client] = await Promise.all([createServerCertificate(serverOpts), createClientCertificate(clientOpts)]);
    return { layout, intermediates: [], server, client, chainPem: '', serverTrustPem: server.certPem, clientTrustPem: client.certPem };
  }
  if (!layoutKinds.includes(layout)) {
    throw new GatewayError(ErrorCode.CONFIG, `layout: unknown '${String(layout)}' (use ${layoutKinds.join(', ')})`);
  }

  const root = await createRootCa({ keyType, days: Math.max(3650, leafDays), ...v.root });
  const intermediates: CertificateAndKey[] = [];
  if (layout === 'two-intermediates') {
    const parent = await createIntermediateCa({ issuer: root, keyType, cn: 'intermediate-parent.yourdomain.com', days: Math.max(1825, leafDays) });
    intermediates.unshift(parent);
    intermediates.unshift(await createIntermediateCa({ issuer: parent, keyType, days: Math.max(1825, leafDays), ...v.intermediate }));
  } else if (layout === 'intermediate') {
    intermediates.push(await createIntermediateCa({ issuer: root, keyType, days: Math.max(1825, leafDays), ...v.intermediate }));
  }
  const issuer = intermediates[0] ?? root;
  const [server, client] = await Promise.all([
    createServerCertificate({ ...serverOpts, issuer }),
    createClientCertificate({ ...clientOpts, issuer }),
  ]);
  const chainPem = [...intermediates.map((c) => c.certPem), root.certPem].join('');
  return { layout, root, intermediates, server, client, chainPem, serverTrustPem: chainPem, clientTrustPem: chainPem };
}

export interface WriteLayoutOptions {
  /** Overwrite existing key files. */
  force?: boolean;
  /** Append the intermediates to server.crt and client.crt (the seed's optional `cat intermediate.crt >> server.crt`). */
  appendChain?: boolean;
}

/** Paths of the files written, by role. */
export type LayoutFiles = Partial<Record<
  'root.crt' | 'root.key' | 'intermediate.crt' | 'intermediate.key' | 'intermediate-parent.crt' | 'intermediate-parent.key' |
  'server.crt' | 'server.key' | 'client.crt' | 'client.key' | 'chain.crt', string>>;

/**
 * Writes the layout with the seed's file names. Keys are 0600 (PostgreSQL refuses a group- or
 * world-readable key it owns). An existing key is never silently replaced: losing a CA key orphans
 * every certificate it signed.
 */
export function writeLayout(dir: string, result: LayoutResult, options: WriteLayoutOptions = {}): LayoutFiles {
  const appended = options.appendChain ? result.intermediates.map((c) => c.certPem).join('') : '';
  const files: [keyof LayoutFiles, string][] = [];
  if (result.root) files.push(['root.crt', result.root.certPem], ['root.key', result.root.keyPem]);
  const [issuing, parent] = result.intermediates;
  if (issuing) files.push(['intermediate.crt', issuing.certPem], ['intermediate.key', issuing.keyPem]);
  if (parent) files.push(['intermediate-parent.crt', parent.certPem], ['intermediate-parent.key', parent.keyPem]);
  files.push(
    ['server.crt', result.server.certPem + appended], ['server.key', result.server.keyPem],
    ['client.crt', result.client.certPem + appended], ['client.key', result.client.keyPem],
  );
  if (result.chainPem) files.push(['chain.crt', result.chainPem]);

  mkdirSync(dir, { recursive: true });
  if (!options.force) {
    const existing = files.filter(([name]) => name.endsWith('.key')).map(([name]) => join(dir, name)).filter((p) => existsSync(p));
    if (existing.length > 0) {
      throw new GatewayError(ErrorCode.CONFIG, `refusing to overwrite existing key file '${existing[0]}' (use --force to replace it)`);
    }
  }
  const written: LayoutFiles = {};
  for (const [name, content] of files) {
    const path = join(dir, name);
    const mode = name.endsWith('.key') ? 0o600 : 0o644;
    writeFileSync(path, content, { mode });
    chmodSync(path, mode); // writeFileSync's mode only applies to new files
    written[name] = path;
  }
  return written;
}
