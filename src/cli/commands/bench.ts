import { UserError } from '../../util/errors.ts';
import { optFloat, optInt, printJson, type Command } from '../command.ts';

const USAGE = [
  'peft-lab bench train --config small|base --method lora|full [--steps N] [--warmup N] [--dropout P] [--native on|off] [--fused on|off]',
  '       peft-lab bench generate --config small|base --batch N [--new-tokens N] [--prompt-tokens N] [--runs N] [--native on|off] [--fused on|off]',
  '  (prints JSON {tokens_per_s, step_ms, peak_rss_mb, backend, detail}; medians of the timed steps after warm-up)',
].join('\n');

function oneOf<T extends string>(v: unknown, name: string, valid: readonly T[], dflt?: T): T {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(valid as readonly string[]).includes(v))
    throw new UserError(`bench: --${name} must be one of ${valid.join(', ')}, got '${String(v ?? '')}'`);
  return v as T;
}

export const command: Command = {
  name: 'bench',
  summary: 'training and generation speed on random GPT-2 configurations (tokens/s, step time, memory)',
  usage: USAGE,
  options: {
    config: { type: 'string' },
    method: { type: 'string' },
    steps: { type: 'string' },
    warmup: { type: 'string' },
    dropout: { type: 'string' },
    batch: { type: 'string' },
    'new-tokens': { type: 'string' },
    'prompt-tokens': { type: 'string' },
    runs: { type: 'string' },
    native: { type: 'string' },
    fused: { type: 'string' },
  },
  async run(values, positionals) {
    const kind = positionals[0];
    if (kind !== 'train' && kind !== 'generate') throw new UserError(`bench: say what to measure: 'train' or 'generate' (got '${kind ?? ''}')`);
    // Decided before the backend starts: the native kernels are registered when it does.
    if (oneOf(values.native, 'native', ['on', 'off'] as const, 'on') === 'off') process.env.PEFT_NATIVE = '0';
    const config = oneOf(values.config, 'config', ['small', 'base'] as const);
    const fused = oneOf(values.fused, 'fused', ['on', 'off'] as const, 'off') === 'on';
    const { benchMethods, benchTrain, benchGenerate } = await import('../../../bench/workloads.ts');
    if (kind === 'train') {
      const dropout = optFloat(values, 'dropout');
      if (dropout !== undefined && !(dropout >= 0 && dropout < 1)) throw new UserError(`bench: --dropout must be in [0, 1), got ${dropout}`);
      printJson(
        await benchTrain({
          config,
          method: oneOf(
            values.method,
            'method',
            benchMethods().map((m) => m.name),
          ),
          steps: optInt(values, 'steps', { min: 1 }) ?? 10,
          warmup: optInt(values, 'warmup', { min: 0 }),
          dropout,
          fused,
        }),
      );
    } else {
      printJson(
        await benchGenerate({
          config,
          batch: optInt(values, 'batch', { min: 1 }) ?? 1,
          newTokens: optInt(values, 'new-tokens', { min: 1 }),
          promptLength: optInt(values, 'prompt-tokens', { min: 1 }),
          runs: optInt(values, 'runs', { min: 1 }),
          fused,
        }),
      );
    }
  },
};
