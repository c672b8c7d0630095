import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

/** Kong's nine levels onto pino's six. */
const LEVELS: Record<string, pino.Level> = {
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  error: 'error',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
};

/**
 * Structured logs to stderr and `<prefix>/logs/error.log`. Secrets never reach a log line:
 * the configuration is only ever logged through `redactConfig`.
 */
export function createLogger(opts: { level: string; prefix?: string | null; name?: string; stderr?: boolean }): Logger {
  const level = LEVELS[opts.level] ?? 'info';
  const streams: pino.StreamEntry[] = [];
  if (opts.stderr !== false) streams.push({ level, stream: pino.destination({ fd: 2, sync: true }) });
  if (opts.prefix) {
    const dir = join(opts.prefix, 'logs');
    mkdirSync(dir, { recursive: true });
    streams.push({ level, stream: pino.destination({ dest: join(dir, 'error.log'), sync: false, mkdir: true }) });
  }
  return pino({ level, name: opts.name ?? 'silverback', base: { pid: process.pid } }, pino.multistream(streams));
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
