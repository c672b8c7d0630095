import { resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import { isGatewayError, errorMessage } from '../errors.js';
import { preflight } from '../gateway/preflight.js';
import { err, out } from './context.js';
import '../gateway/modules.js';

/** `check [conf]`: validates the configuration, its files included, without touching the database. */
export async function checkCommand(confArg: string | undefined): Promise<number> {
  const confPath = resolve(confArg ?? '/etc/kong/kong.conf');
  try {
    const { config, warnings } = loadConfig({ confPath, env: process.env });
    for (const w of warnings) err(`[warn] ${w}`);
    const { errors, warnings: fileWarnings } = await preflight(config);
    for (const w of fileWarnings) err(`[warn] ${w}`);
    if (errors.length > 0) {
      for (const e of errors) err(`[error] ${e}`);
      return 1;
    }
  } catch (e) {
    const text = isGatewayError(e) ? e.message : errorMessage(e);
    for (const line of text.split('\n').filter((l) => !/^\d+ configuration errors:$/.test(l))) err(`[error] ${line.trim()}`);
    return 1;
  }
  out(`configuration at ${confPath} is valid`);
  return 0;
}
