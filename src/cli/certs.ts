import type { Command } from 'commander';
import { certsCreateCommand } from './certs/create.js';
import { certsInspectCommand } from './certs/inspect.js';
import { certsRevokeCommand } from './certs/revoke.js';

type Action = () => Promise<number> | number;

const collect = (value: string, previous: string[]) => [...previous, value];

/** `silverback certs create|inspect|revoke`: the seed's "Creating certificates", built in. */
export function registerCertsCommand(program: Command, run: (action: Action) => void): void {
  const certs = program.command('certs').description("make, inspect and revoke the PostgreSQL link's certificates (no openssl needed)");

  certs
    .command('create')
    .description('make a CA layout, server and client certificates, and print the postgresql.conf, pg_hba.conf and kong.conf lines')
    .option('--layout <layout>', 'intermediate, direct or self-signed', 'intermediate')
    .option('--out <dir>', 'directory to write', './certs')
    .option('--server-name <name>', 'DNS name or IP of the server (repeatable; default localhost and 127.0.0.1)', collect, [])
    .option('--client-cn <cn>', 'client certificate CN: the PostgreSQL user', 'kong')
    .option('--days <days>', 'lifetime of the server and client certificates (default 365)')
    .option('--key-type <type>', 'rsa (2048) or ec (P-256)', 'rsa')
    .option('--append-chain', 'append the intermediate to server.crt and client.crt')
    .option('--force', 'overwrite existing keys')
    .action((opts) => run(() => certsCreateCommand(opts)));

  certs
    .command('inspect <files...>')
    .description('describe certificates, chains, CRLs and keys; exit 1 when one is expired, mismatched or out of order')
    .option('--key <file>', 'check that this private key belongs to the first certificate of each file')
    .action((files: string[], opts: { key?: string }) => run(() => certsInspectCommand(files, opts)));

  certs
    .command('revoke [cert]')
    .description("add a certificate to the CRLs of the CA directory and write crl.pem for PostgreSQL's ssl_crl_file")
    .requiredOption('--ca <dir>', 'the directory with the CA certificates and keys (as certs create wrote it)')
    .option('--days <days>', 'days until the CRLs need re-signing', '30')
    .action((cert: string | undefined, opts: { ca: string; days?: string }) => run(() => certsRevokeCommand(cert, opts)));
}
