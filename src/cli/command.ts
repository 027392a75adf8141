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

export function optInt(values: Record<string, unknown>, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  const { min, max } = opts;
  if (!Number.isInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
    const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` >= ${min}` : max !== undefined ? ` <= ${max}` : '';
    throw new UserError(`--${name} must be an integer${range}, got '${String(v)}'`);
  }
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

/** A tensor's values in row-major order with its shape: printed as the nested array arraySync() gives. */
export class DenseArray {
  constructor(
    readonly shape: readonly number[],
    readonly data: ArrayLike<number>,
  ) {}
}

const num = (x: number) => (Number.isFinite(x) ? String(x) : 'null');

function* densePieces(a: DenseArray, dim = 0, offset = 0): Generator<string> {
  const { shape, data } = a;
  if (dim === shape.length) {
    yield num(data[offset]!);
    return;
  }
  const n = shape[dim]!;
  if (dim === shape.length - 1) {
    const row = new Array<string>(n);
    for (let i = 0; i < n; i++) row[i] = num(data[offset + i]!);
    yield `[${row.join(',')}]`;
    return;
  }
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d]!;
  yield '[';
  for (let i = 0; i < n; i++) {
    if (i > 0) yield ',';
    yield* densePieces(a, dim + 1, offset + i * stride);
  }
  yield ']';
}

function* jsonPieces(fields: Record<string, unknown>): Generator<string> {
  let first = true;
  yield '{';
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    yield `${first ? '' : ','}${JSON.stringify(k)}:`;
    first = false;
    if (v instanceof DenseArray) yield* densePieces(v);
    else yield JSON.stringify(v);
  }
  yield '}\n';
}

/**
 * printJson for results that may not fit in one string (V8 strings stop at about 512 MB; 16 × 256
 * logits over an 8k vocabulary are more): DenseArray fields are written in chunks as they are
 * formatted. The text is the same as printJson's.
 */
export async function printJsonStreamed(fields: Record<string, unknown>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const write = (s: string) => new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())));
  let buf = '';
  for (const piece of jsonPieces(fields)) {
    buf += piece;
    if (buf.length >= 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  if (buf) await write(buf);
}
