import type { Config, SettingName } from '../config/index.js';
import { loadConfig } from '../config/index.js';
import { isGatewayError, errorMessage } from '../errors.js';

/** Flags every command that reads kong.conf accepts. */
export interface CommonFlags {
  conf?: string;
  prefix?: string;
  dbTimeout?: string;
  v?: boolean;
  vv?: boolean;
}

/** The exit of a command: a code, and lines already printed. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export const out = (line: string) => process.stdout.write(`${line}\n`);
export const err = (line: string) => process.stderr.write(`${line}\n`);

/** The only place that reads process.env: kong.conf + KONG_* + flags → Config. */
export function loadCliConfig(flags: CommonFlags, extra: Partial<Record<SettingName, string>> = {}, quietWarnings = false): Config {
  const overrides: Partial<Record<SettingName, string>> = { ...extra };
  if (flags.prefix) overrides.prefix = flags.prefix;
  if (flags.dbTimeout) overrides.pg_timeout = String(Math.round(Number(flags.dbTimeout) * 1000));
  if (flags.vv) overrides.log_level = 'debug';
  else if (flags.v) overrides.log_level = 'info';
  const { config, warnings } = loadConfig({ confPath: flags.conf ?? null, env: process.env, flags: overrides });
  if (!quietWarnings) for (const w of warnings) err(`[warn] ${w}`);
  return config;
}

/** Prints a failure as Kong does (one line, a hint) and returns exit code 1; never a stack trace. */
export function reportFailure(e: unknown): number {
  if (e instanceof CliExit) return e.exitCode;
  if (isGatewayError(e)) {
    err(e.toCliText());
    return 1;
  }
  err(`Error: ${errorMessage(e)}`);
  return 1;
}
