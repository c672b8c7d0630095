import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCrlBundle, createLayout, writeLayout, type CertificateAndKey, type LayoutOptions } from '../../src/pki/index.js';

/**
 * The same certificate layouts from two makers, so the TLS matrix runs against both the seed's
 * openssl recipes and our in-process `certs`.
 */
export type FixtureLayout = 'intermediate' | 'direct' | 'self-signed';
export type PkiMaker = 'seed-openssl' | 'in-process';

export interface PkiFiles {
  rootCrt?: string;
  rootKey?: string;
  intermediateCrt?: string;
  intermediateKey?: string;
  serverCrt: string;
  serverKey: string;
  clientCrt: string;
  clientKey: string;
  chainCrt?: string;
}

export interface PkiFixture {
  maker: PkiMaker;
  layout: FixtureLayout;
  dir: string;
  files: PkiFiles;
  root?: CertificateAndKey;
  intermediate?: CertificateAndKey;
  server: CertificateAndKey;
  client: CertificateAndKey;
  /** What Kong's lua_ssl_trusted_certificate names to verify the server: chain.crt, root.crt (seed's direct), server.crt (self-signed). */
  serverTrustPath: string;
  serverTrustPem: string;
  /** What PostgreSQL's ssl_ca_file holds to verify clients: chain.crt, root.crt, or client.crt (self-signed), as the seed says. */
  clientTrustPath: string;
  clientTrustPem: string;
  /** The CAs that can sign CRLs for this layout (each self-signed leaf is its own CA). */
  authorities: CertificateAndKey[];
  /** A PEM for PostgreSQL's ssl_crl_file revoking these certificates, with a CRL for every CA. */
  crlRevoking(certPems: string[]): Promise<string>;
  /** Removes the directory. */
  cleanup(): void;
}

const scriptPath = join(dirname(fileURLToPath(import.meta.url)), 'seed-openssl.sh');
const run = promisify(execFile);

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function pair(dir: string, name: string): CertificateAndKey | undefined {
  const crt = join(dir, `${name}.crt`);
  return existsSync(crt) ? { certPem: read(crt), keyPem: read(join(dir, `${name}.key`)) } : undefined;
}

function assemble(maker: PkiMaker, layout: FixtureLayout, dir: string): PkiFixture {
  const has = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  const files: PkiFiles = {
    rootCrt: has('root.crt'),
    rootKey: has('root.key'),
    intermediateCrt: has('intermediate.crt'),
    intermediateKey: has('intermediate.key'),
    serverCrt: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCrt: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
    chainCrt: has('chain.crt'),
  };
  const root = pair(dir, 'root');
  const intermediate = pair(dir, 'intermediate');
  const server = pair(dir, 'server')!;
  const client = pair(dir, 'client')!;
  const caBundlePath = files.chainCrt ?? files.rootCrt;
  const serverTrustPath = layout === 'self-signed' ? files.serverCrt : caBundlePath!;
  const clientTrustPath = layout === 'self-signed' ? files.clientCrt : caBundlePath!;
  const authorities = layout === 'self-signed' ? [server, client] : [root!, ...(intermediate ? [intermediate] : [])];
  return {
    maker, layout, dir, files, root, intermediate, server, client,
    serverTrustPath, serverTrustPem: read(serverTrustPath),
    clientTrustPath, clientTrustPem: read(clientTrustPath),
    authorities,
    crlRevoking: (certPems) => createCrlBundle({ authorities, revokedCertPems: certPems }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs the seed page's openssl commands in a fresh temp dir. */
export async function makeSeedPki(layout: FixtureLayout, options: { appendChain?: boolean } = {}): Promise<PkiFixture> {
  const dir = mkdtempSync(join(tmpdir(), `silverback-seed-pki-${layout}-`));
  try {
    await run('bash', [scriptPath, layout, dir, ...(options.appendChain ? ['--append-chain'] : [])], { cwd: dir });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: string; message: string };
    throw new Error(`seed-openssl.sh ${layout} failed: ${e.stderr?.trim() || e.message}`);
  }
  return assemble('seed-openssl', layout, dir);
}

/** The same layout from src/pki, written with writeLayout. */
export async function makeInProcessPki(
  layout: FixtureLayout,
  options: Omit<LayoutOptions, 'layout'> & { appendChain?: boolean } = {},
): Promise<PkiFixture> {
  const { appendChain, ...layoutOptions } = options;
  const result = await createLayout({ ...layoutOptions, layout });
  const dir = mkdtempSync(join(tmpdir(), `silverback-pki-${layout}-`));
  writeLayout(dir, result, { appendChain });
  return assemble('in-process', layout, dir);
}

/** Both makers, for `describe.each`. */
export const pkiMakers: readonly { maker: PkiMaker; make: (layout: FixtureLayout) => Promise<PkiFixture> }[] = [
  { maker: 'seed-openssl', make: (layout) => makeSeedPki(layout) },
  { maker: 'in-process', make: (layout) => makeInProcessPki(layout) },
];
