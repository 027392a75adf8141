import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../util/errors.ts';

export type ArgValues = Record<string, string | boolean | (string | boolean)[] | undefined>;
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** One `peft-lab` sub-command: its flags, its help text and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  run(values: ArgValues, positionals: string[]): Promise<void>;
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: cmd.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError(`${cmd.name}: ${(e as Error).message.split('\n')[0]} (see 'peft-lab ${cmd.name} --help')`);
  }
}

export function requireString(values: Record<string, unknown>, name: string, cmd: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UserError(`${cmd}: --${name} is required`);
  return v;
}

export function optInt(values: Record<string, unknown>, name: string, opts: { min?: number } = {}): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || (opts.min !== undefined && n < opts.min))
    throw new UserError(`--${name} must be an integer${opts.min !== undefined ? ` >= ${opts.min}` : ''}, got '${String(v)}'`);
  return n;
}

export function optFloat(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError(`--${name} must be a number, got '${String(v)}'`);
  return n;
}

/** Prints a JSON result on stdout (the CLI contract: one JSON document per call). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
