import type { Command } from 'commander';

type Action = () => Promise<number> | number;
type ConfOptions = (cmd: Command) => Command;

/**
 * Commands added by later modules (config, certs, doctor, reload): each registers here so
 * main.ts stays a list of Kong's core commands.
 */
const registrars: ((program: Command, run: (action: Action) => void, confOptions: ConfOptions) => void)[] = [];

export function addCommand(registrar: (program: Command, run: (action: Action) => void, confOptions: ConfOptions) => void): void {
  registrars.push(registrar);
}

export function registerExtraCommands(program: Command, run: (action: Action) => void, confOptions: ConfOptions): void {
  for (const r of registrars) r(program, run, confOptions);
}
