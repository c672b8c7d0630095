import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, GatewayError } from '../errors.js';
import { coerceSetting } from './coerce.js';
import { settings } from './defaults.js';
import type { Config, SettingName } from './defaults.js';
import { parseListeners } from './listeners.js';
import { normaliseKey, parseConfFile } from './parse-file.js';
import type { Setting } from './setting-types.js';
import { validateCrossSettings } from './cross-checks.js';

/** Where Kong looks for kong.conf when `-c` is not given. */
export const DEFAULT_CONF_PATHS = ['/etc/kong/kong.conf', '/etc/kong.conf'];

export interface LoadOptions {
  /** `-c/--conf`: must exist when given. */
  confPath?: string | null;
  /** The process environment (only the CLI passes `process.env`; no other module reads it). */
  env?: Readonly<Record<string, string | undefined>>;
  /** CLI flags mapped to settings (e.g. `-p` → prefix). */
  flags?: Partial<Record<SettingName, string>>;
  /** Overrides DEFAULT_CONF_PATHS (tests). */
  defaultPaths?: readonly string[];
  /** Working directory for relative paths (tests). */
  cwd?: string;
}

export interface LoadResult {
  config: Config;
  /** Unknown or ignored keys, one line each. */
  warnings: string[];
}

/** Kong settings we accept without effect: said once as "ignored", not "unknown". */
const KONG_ONLY_PREFIXES = ['nginx_', 'lua_', 'dns_', 'cluster_', 'admin_gui_', 'vault_', 'tracing_', 'worker_', 'pluginserver_', 'wasm', 'untrusted_lua', 'role', 'kic', 'portal', 'vitals', 'opentelemetry', 'proxy_', 'admin_', 'status_', 'ssl_', 'upstream_', 'pg_iam', 'pg_ro_iam', 'dedicated_config_processing', 'max_queued_batches', 'new_dns_client', 'resolver_', 'debug_', 'konnect', 'event_hooks', 'log_', 'go_', 'db_', 'privileged_', 'port_maps', 'host_ports', 'mem_cache'];

function isKnown(key: string): key is SettingName {
  return Object.prototype.hasOwnProperty.call(settings, key);
}

function findConfFile(opts: LoadOptions, errors: string[]): string | null {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.confPath) {
    const path = resolve(cwd, opts.confPath);
    if (!existsSync(path)) {
      errors.push(`no file at: ${path}`);
      return null;
    }
    return path;
  }
  for (const candidate of opts.defaultPaths ?? DEFAULT_CONF_PATHS) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function defaultPrefix(): string {
  try {
    accessSync('/usr/local', constants.W_OK);
    return '/usr/local/kong';
  } catch {
    return join(homedir(), '.silverback');
  }
}

/**
 * defaults < kong.conf < KONG_<NAME> environment < CLI flags. Collects every error before
 * failing, so `silverback check` lists them all; throws one GatewayError(CONFIG).
 */
export function loadConfig(opts: LoadOptions = {}): LoadResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const values: Record<string, unknown> = {};
  const sources: Record<string, 'default' | 'file' | 'env' | 'flag'> = {};
  for (const [key, setting] of Object.entries(settings)) {
    values[key] = setting.default;
    sources[key] = 'default';
  }

  const apply = (key: SettingName, raw: string, source: 'file' | 'env' | 'flag', where: string) => {
    const setting = settings[key] as Setting<unknown>;
    const display = setting.secret ? '******' : raw.trim();
    const coerced = coerceSetting(key, setting, raw, display);
    if (!coerced.ok) {
      errors.push(where ? `${coerced.error} [${where}]` : coerced.error);
      return;
    }
    values[key] = coerced.value;
    sources[key] = source;
  };

  const confFile = findConfFile(opts, errors);
  if (confFile) {
    let text = '';
    try {
      text = readFileSync(confFile, 'utf8');
    } catch (err) {
      errors.push(`cannot read ${confFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (check the file's permissions)`);
    }
    const parsed = parseConfFile(text);
    for (const bad of parsed.malformed) {
      warnings.push(`${confFile}:${bad.line}: ignored line without '=': ${bad.text}`);
    }
    for (const [key, entry] of parsed.entries) {
      if (isKnown(key)) {
        apply(key, entry.value, 'file', `${confFile}:${entry.line}`);
      } else if (KONG_ONLY_PREFIXES.some((p) => key.startsWith(p))) {
        warnings.push(`${key}: Kong setting not used by Silverback (ignored) [${confFile}:${entry.line}]`);
      } else {
        warnings.push(`${key}: unknown setting (ignored) [${confFile}:${entry.line}]`);
      }
    }
  }

  const env = opts.env ?? {};
  for (const key of Object.keys(settings) as SettingName[]) {
    const raw = env[`KONG_${key.toUpperCase()}`];
    // Kong: an empty environment variable means unset.
    if (raw !== undefined && raw !== '') apply(key, raw, 'env', `KONG_${key.toUpperCase()}`);
  }

  for (const [rawKey, raw] of Object.entries(opts.flags ?? {})) {
    const key = normaliseKey(rawKey);
    if (raw === undefined) continue;
    if (isKnown(key)) apply(key, raw, 'flag', '');
    else errors.push(`${rawKey}: unknown setting`);
  }

  const cwd = opts.cwd ?? process.cwd();
  const prefixValue = values.prefix as string | null;
  values.prefix = prefixValue ? (isAbsolute(prefixValue) ? prefixValue : resolve(cwd, prefixValue)) : defaultPrefix();

  for (const key of ['proxy_listen', 'admin_listen', 'status_listen'] as const) {
    errors.push(...parseListeners(key, values[key] as string[]).errors);
  }
  errors.push(...validateCrossSettings(values, sources));

  if (errors.length > 0) {
    const message = errors.length === 1 ? errors[0] : `${errors.length} configuration errors:\n  ${errors.join('\n  ')}`;
    throw new GatewayError(ErrorCode.CONFIG, message, { hint: confFile ? `fix ${confFile} (or the KONG_* variables) and run 'silverback check'` : undefined });
  }

  const config = Object.freeze({ ...values, sources: Object.freeze(sources), configFile: confFile }) as unknown as Config;
  return { config, warnings };
}

/** A copy safe to print or serve: secrets replaced by `******`. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'sources') continue;
    const setting = (settings as Record<string, Setting<unknown>>)[key];
    out[key] = setting?.secret && value !== null && value !== undefined ? '******' : value;
  }
  return out;
}
