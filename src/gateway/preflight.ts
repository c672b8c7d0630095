import type { Config } from '../config/index.js';
import { ErrorCode, GatewayError } from '../errors.js';

type Validator = (config: Config) => string[] | Promise<string[]>;
const validators: Validator[] = [];

/** Checks that need files or the environment (certificates, keys, declarative files). */
export function registerPreflightCheck(validator: Validator): void {
  validators.push(validator);
}

/** Everything `check` and `start` verify before any connection is tried. */
export async function preflightErrors(config: Config): Promise<string[]> {
  const errors: string[] = [];
  for (const v of validators) errors.push(...(await v(config)));
  return errors;
}

export async function validateBeforeStart(config: Config): Promise<void> {
  const errors = await preflightErrors(config);
  if (errors.length === 0) return;
  const message = errors.length === 1 ? errors[0] : `${errors.length} configuration errors:\n  ${errors.join('\n  ')}`;
  throw new GatewayError(ErrorCode.CONFIG, message, { hint: "run 'silverback check' after fixing" });
}
