import type { Config } from '../config/index.js';
import { ErrorCode, GatewayError } from '../errors.js';

export interface PreflightReport {
  errors: string[];
  warnings: string[];
}
type Validator = (config: Config) => PreflightReport | Promise<PreflightReport>;
const validators: Validator[] = [];

/** Checks that need files or the environment (certificates, keys, declarative files). */
export function registerPreflightCheck(validator: Validator): void {
  validators.push(validator);
}

/** Everything `check` and `start` verify before any connection is tried. */
export async function preflight(config: Config): Promise<PreflightReport> {
  const report: PreflightReport = { errors: [], warnings: [] };
  for (const v of validators) {
    const r = await v(config);
    report.errors.push(...r.errors);
    report.warnings.push(...r.warnings);
  }
  return report;
}

/** Fails with every error at once; warnings go to `warn` (stderr for the CLI). */
export async function validateBeforeStart(config: Config, warn?: (line: string) => void): Promise<void> {
  const { errors, warnings } = await preflight(config);
  if (warn) for (const w of warnings) warn(w);
  if (errors.length === 0) return;
  const message = errors.length === 1 ? errors[0] : `${errors.length} configuration errors:\n  ${errors.join('\n  ')}`;
  throw new GatewayError(ErrorCode.CONFIG, message, { hint: "run 'silverback check' after fixing" });
}
