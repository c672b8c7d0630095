import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createServerCertificate } from '../../pki/index.js';
import { ErrorCode, GatewayError, errorMessage } from '../../errors.js';

export interface CertPair {
  cert: string;
  key: string;
}

/**
 * The certificate a TLS listener serves when nothing more specific applies: the configured
 * files (`ssl_cert`/`ssl_cert_key`, `admin_ssl_cert`, …), or one generated at first start and
 * kept in `<prefix>/ssl` (Kong's kong-default.crt), so restarts present the same certificate.
 */
export async function loadOrCreateCertificate(opts: {
  certFiles: readonly string[];
  keyFiles: readonly string[];
  setting: string;
  sslDir: string;
  baseName: string;
}): Promise<CertPair[]> {
  if (opts.certFiles.length > 0) {
    if (opts.certFiles.length !== opts.keyFiles.length) {
      throw new GatewayError(ErrorCode.CONFIG, `${opts.setting}: ${opts.certFiles.length} certificate(s) but ${opts.keyFiles.length} key(s)`, {
        hint: `give ${opts.setting}_key one key file per ${opts.setting} file, in the same order`,
      });
    }
    return opts.certFiles.map((file, i) => ({ cert: readPem(file, opts.setting), key: readPem(opts.keyFiles[i], `${opts.setting}_key`) }));
  }
  const certFile = join(opts.sslDir, `${opts.baseName}.crt`);
  const keyFile = join(opts.sslDir, `${opts.baseName}.key`);
  if (existsSync(certFile) && existsSync(keyFile)) return [{ cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }];
  const made = await createServerCertificate({ names: ['localhost'], days: 3650, keyType: 'rsa' });
  writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, made.certPem);
  return [{ cert: made.certPem, key: made.keyPem }];
}

function readPem(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new GatewayError(ErrorCode.CONFIG, `${setting}: cannot read ${file}: ${errorMessage(err)}`, { hint: `fix the path in ${setting}` });
  }
}
