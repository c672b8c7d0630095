import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LayoutKind } from '../../pki/index.js';

/** Absolute paths of what `certs create` wrote, by the seed's file names. */
export interface CertFiles {
  dir: string;
  layout: LayoutKind;
  serverCrt: string;
  serverKey: string;
  clientCrt: string;
  clientKey: string;
  /** chain.crt; absent for self-signed. */
  chainCrt?: string;
  /** Server certificate names (SANs), to say what pg_ssl_verify_host will match. */
  serverNames: string[];
  clientCn: string;
}

/** The CRL bundle `certs revoke` writes beside the CA files. */
export const CRL_BUNDLE = 'crl.pem';

/** What PostgreSQL trusts for client certificates: the seed says client.crt itself for the self-signed recipe. */
export function serverCaFile(files: CertFiles): string {
  return files.chainCrt ?? files.clientCrt;
}

/** What the gateway trusts for the server: chain.crt, or server.crt itself for self-signed. */
export function gatewayTrustFile(files: CertFiles): string {
  return files.chainCrt ?? files.serverCrt;
}

/** OpenSSL's depth: intermediates between the server certificate and the anchor. */
export function verifyDepthFor(layout: LayoutKind): number {
  if (layout === 'intermediate') return 1;
  if (layout === 'two-intermediates') return 2;
  return 0;
}

const quote = (path: string) => `'${path.replace(/'/g, "''")}'`;

export function postgresqlConfLines(files: CertFiles): string[] {
  const crl = join(files.dir, CRL_BUNDLE);
  return [
    'ssl = on',
    `ssl_cert_file = ${quote(files.serverCrt)}`,
    `ssl_key_file = ${quote(files.serverKey)}`,
    `ssl_ca_file = ${quote(serverCaFile(files))}`,
    existsSync(crl)
      ? `ssl_crl_file = ${quote(crl)}`
      : `#ssl_crl_file = ${quote(crl)}   # after 'silverback certs revoke --ca ${files.dir} <cert>'`,
  ];
}

export function pgHbaLines(clientCn: string): string[] {
  return [
    `# either: the client certificate authenticates; its CN (${clientCn}) must equal the user or be mapped in pg_ident.conf`,
    'hostssl all all all cert',
    '# or: any method plus a verified client certificate (the seed trusts without a password)',
    'hostssl all all all trust clientcert=verify-full',
    '# safer: a password as well as the certificate',
    'hostssl all all all scram-sha-256 clientcert=verify-full',
  ];
}

export function keyPermissionNote(files: CertFiles): string[] {
  return [
    `${files.serverKey} must be owned by the PostgreSQL server's OS user and mode 0600 (or owned by root, mode 0640, group of that user):`,
    `  chown postgres ${files.serverKey} && chmod 0600 ${files.serverKey}`,
    `${files.clientKey} stays with the gateway, mode 0600 (Silverback's doctor flags a group- or world-readable key).`,
  ];
}

export function kongConfLines(files: CertFiles): string[] {
  return [
    'database = postgres',
    'pg_ssl = on',
    'pg_ssl_required = on',
    'pg_ssl_verify = on',
    'pg_ssl_version = tlsv1_2',
    `lua_ssl_trusted_certificate = ${gatewayTrustFile(files)}`,
    `lua_ssl_verify_depth = ${verifyDepthFor(files.layout)}`,
    `pg_ssl_cert = ${files.clientCrt}`,
    `pg_ssl_cert_key = ${files.clientKey}`,
    `# recommended (Silverback extension): also check the server name; the certificate carries ${files.serverNames.join(', ')}`,
    '#pg_ssl_verify_host = on',
  ];
}
