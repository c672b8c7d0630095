import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { checkCommand } from './check.js';
import { CliExit, reportFailure } from './context.js';
import { healthCommand } from './health.js';
import { migrationsCommand } from './migrations.js';
import { startCommand } from './start.js';
import { stopCommand } from './stop.js';
import { versionCommand } from './version.js';
import { registerExtraCommands } from './extra-commands.js';
import '../gateway/modules.js';

type Action = () => Promise<number> | number;

function confOptions(cmd: Command): Command {
  return cmd
    .option('-c, --conf <file>', 'configuration file')
    .option('-p, --prefix <dir>', 'override prefix directory')
    .option('--db-timeout <seconds>', 'timeout for database operations (overrides pg_timeout)')
    .option('--v', 'verbose')
    .option('--vv', 'debug');
}

export function buildProgram(run: (action: Action) => void): Command {
  const program = new Command('silverback')
    .description('Silverback: a Kong-compatible API gateway')
    .version(VERSION, '--version')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  confOptions(program.command('start').description('start the gateway'))
    .option('--run-migrations', 'run pending migrations before starting')
    .option('--foreground', 'stay in the foreground')
    .action((opts, cmd: Command) => run(() => startCommand(opts, cmd.parent ? process.argv.slice(3) : [])));

  confOptions(program.command('stop').description('stop the gateway running in the prefix')).action((opts) => run(() => stopCommand(opts)));

  confOptions(program.command('restart').description('stop, then start the gateway'))
    .option('--run-migrations', 'run pending migrations before starting')
    .action((opts) =>
      run(async () => {
        await stopCommand(opts).catch(() => 1);
        return startCommand(opts, process.argv.slice(3));
      }),
    );

  confOptions(program.command('health').description('tell whether the gateway in the prefix is running')).action((opts) => run(() => healthCommand(opts)));

  program
    .command('check [conf]')
    .description('validate a configuration file (no database access)')
    .action((conf?: string) => run(() => checkCommand(conf)));

  program
    .command('version')
    .option('-a, --all', 'also print the versions of the runtime')
    .description('print the version')
    .action((opts: { all?: boolean }) => run(() => versionCommand(!!opts.all)));

  confOptions(
    program
      .command('migrations <command>')
      .description('manage the database schema: bootstrap, up, finish, list, reset, status'),
  )
    .option('-y, --yes', 'assume yes for prompts')
    .option('-f, --force', 'run bootstrap even when bootstrapped (resets first)')
    .option('-q, --quiet', 'print less')
    .action((sub: string, opts) => run(() => migrationsCommand(sub, opts)));

  registerExtraCommands(program, run, confOptions);
  return program;
}

/** Entry point of bin/silverback.js: exit codes as Kong's CLI, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  let pending: Promise<number> | null = null;
  const program = buildProgram((action) => {
    pending = Promise.resolve().then(action);
  });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
      if (e.code === 'commander.unknownCommand') process.stderr.write(program.helpInformation());
      process.exit(1);
    }
    process.exit(reportFailure(e));
  }
  if (!pending) {
    process.stderr.write(program.helpInformation());
    process.exit(1);
  }
  let code: number;
  try {
    code = await (pending as Promise<number>);
  } catch (e) {
    code = e instanceof CliExit ? e.exitCode : reportFailure(e);
  }
  process.exit(code);
}
