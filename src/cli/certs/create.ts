import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { ErrorCode, GatewayError } from '../../errors.js';
import { createLayout, describeCertificate, layoutKinds, readCertificates, writeLayout, type KeyType, type LayoutKind } from '../../pki/index.js';
import { out } from '../context.js';
import { keyPermissionNote, kongConfLines, pgHbaLines, postgresqlConfLines, type CertFiles } from './conf-lines.js';

export interface CreateFlags {
  layout?: string;
  out?: string;
  serverName?: string[];
  clientCn?: string;
  days?: string;
  keyType?: string;
  force?: boolean;
  appendChain?: boolean;
}

/** The layouts `certs create` offers: the seed's three recipes (two-intermediates exists for tests of lua_ssl_verify_depth). */
const offered: readonly LayoutKind[] = ['intermediate', 'direct', 'self-signed'];

function usage(message: string): GatewayError {
  return new GatewayError(ErrorCode.CLI_USAGE, message);
}

function parseFlags(flags: CreateFlags) {
  const layout = (flags.layout ?? 'intermediate') as LayoutKind;
  if (!layoutKinds.includes(layout)) throw usage(`--layout: unknown '${flags.layout}' (use ${offered.join(', ')})`);
  const keyType = (flags.keyType ?? 'rsa') as KeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') throw usage(`--key-type: unknown '${flags.keyType}' (use rsa or ec)`);
  let days: number | undefined;
  if (flags.days !== undefined) {
    days = Number(flags.days);
    if (!Number.isInteger(days) || days < 1) throw usage(`--days: '${flags.days}' is not a positive whole number of days`);
  }
  const serverNames = flags.serverName && flags.serverName.length > 0 ? flags.serverName : ['localhost', '127.0.0.1'];
  for (const name of serverNames) {
    if (!isIP(name) && !/^[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(name)) {
      throw usage(`--server-name: '${name}' is neither a DNS name nor an IP address`);
    }
  }
  const clientCn = flags.clientCn ?? 'kong';
  return { layout, keyType, days, serverNames, clientCn, dir: resolve(flags.out ?? './certs') };
}

/** `certs create`: the seed's recipes in-process, then the lines to paste, with absolute paths. */
export async function certsCreateCommand(flags: CreateFlags): Promise<number> {
  const { layout, keyType, days, serverNames, clientCn, dir } = parseFlags(flags);
  const result = await createLayout({ layout, keyType, days, serverNames, clientCn });
  const written = writeLayout(dir, result, { force: flags.force, appendChain: flags.appendChain });
  const files: CertFiles = {
    dir,
    layout,
    serverCrt: written['server.crt']!,
    serverKey: written['server.key']!,
    clientCrt: written['client.crt']!,
    clientKey: written['client.key']!,
    chainCrt: written['chain.crt'],
    serverNames,
    clientCn,
  };

  out(`Created ${layout === 'intermediate' ? 'an' : 'a'} ${layout} layout in ${dir} (${keyType === 'rsa' ? 'RSA 2048' : 'EC P-256'} keys, mode 0600):`);
  for (const [name, path] of Object.entries(written)) {
    if (name.endsWith('.key')) {
      out(`  ${path}`);
      continue;
    }
    const [first] = readCertificates(readFileSync(path, 'utf8'), path);
    const d = describeCertificate(first);
    out(`  ${path}  ${d.subject}${d.sans.length ? ` [${d.sans.join(', ')}]` : ''}, ${d.daysLeft} days`);
  }
  const section = (title: string, lines: string[]) => {
    out('');
    out(title);
    for (const line of lines) out(`  ${line}`);
  };
  section('postgresql.conf:', postgresqlConfLines(files));
  section('pg_hba.conf (one of):', pgHbaLines(clientCn));
  section('Key permissions:', keyPermissionNote(files));
  const kong = kongConfLines(files);
  if (clientCn !== 'kong') kong.push(`pg_user = ${clientCn}`);
  section('kong.conf:', kong);
  return 0;
}
