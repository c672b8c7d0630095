import { availableParallelism } from 'node:os';
import { ErrorCode, GatewayError } from '../errors.js';

/**
 * `nginx_worker_processes`: `auto` is one worker per core, as nginx does. The config module
 * already refuses other words; this only turns the setting into a number.
 */
export function resolveWorkerCount(setting: string | number, cores: () => number = availableParallelism): number {
  const text = String(setting).trim();
  if (text === 'auto') return Math.max(1, cores());
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new GatewayError(ErrorCode.CONFIG, `nginx_worker_processes: invalid value '${text}'`, { hint: 'set nginx_worker_processes to auto or a positive whole number' });
  }
  return n;
}
