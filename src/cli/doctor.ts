import type { Command } from 'commander';
import { configFailureReport, runDoctor, renderReport } from '../doctor/index.js';
import { errorMessage } from '../errors.js';
import { loadCliConfig, out, type CommonFlags } from './context.js';

type Action = () => Promise<number> | number;

/** `silverback doctor`: exit 0 only when every step passes (warnings allowed). */
export async function doctorCommand(flags: CommonFlags & { json?: boolean }): Promise<number> {
  let config;
  try {
    config = loadCliConfig(flags, {}, flags.json);
  } catch (e) {
    // A configuration that does not load is the first failed step, not a crash.
    const report = configFailureReport(errorMessage(e));
    if (flags.json) out(JSON.stringify(report, null, 2));
    else for (const line of renderReport(report)) out(line);
    return 1;
  }
  const report = await runDoctor(config);
  if (flags.json) out(JSON.stringify(report, null, 2));
  else for (const line of renderReport(report)) out(line);
  return report.ok ? 0 : 1;
}

export function registerDoctorCommand(program: Command, run: (action: Action) => void, confOptions: (cmd: Command) => Command): void {
  confOptions(program.command('doctor').description('walk the PostgreSQL link step by step and name the cause and fix of the first failure'))
    .option('--json', 'print a machine-readable report')
    .action((opts: CommonFlags & { json?: boolean }) => run(() => doctorCommand(opts)));
}
