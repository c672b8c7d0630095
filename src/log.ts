import { mkdirSync } from 'node:fs';
import { Writable } from 'node:stream';
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
  if (opts.stderr !== false) streams.push({ level, stream: humanStderr() });
  if (opts.prefix) {
    const dir = join(opts.prefix, 'logs');
    mkdirSync(dir, { recursive: true });
    streams.push({ level, stream: pino.destination({ dest: join(dir, 'error.log'), sync: true, mkdir: true }) });
  }
  return pino({ level, name: opts.name ?? 'silverback', base: { pid: process.pid } }, pino.multistream(streams));
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'crit' };
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

/**
 * stderr is read by people: one line per record in Kong's error-log shape
 * (`2026/12/03 17:50:14 [info] 7663#0: message key=value`); the file keeps JSON for machines.
 */
function humanStderr(): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          process.stderr.write(`${line}\n`);
          continue;
        }
        const d = new Date(typeof rec.time === 'number' ? rec.time : Date.now());
        const p2 = (n: number) => String(n).padStart(2, '0');
        const stamp = `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
        const extras = Object.entries(rec)
          .filter(([k]) => !OMITTED.has(k))
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const level = LEVEL_NAMES[rec.level as number] ?? 'info';
        process.stderr.write(`${stamp} [${level}] ${String(rec.pid ?? process.pid)}#0: ${String(rec.msg ?? '')}${extras ? ` ${extras}` : ''}\n`);
      }
      done();
    },
  });
}
