import { UserError } from '../../util/errors.ts';
import { optFloat, optInt, printJson, type ArgValues, type Command } from '../command.ts';

const USAGE = [
  'peft-lab bench train [--model-type gpt2|t5] --config CONFIG --method lora|full [--batch N] [--steps N] [--warmup N] [--dropout P] [--native on|off] [--fused on|off]',
  '       peft-lab bench generate [--model-type gpt2|t5] --config CONFIG [--batch N] [--new-tokens N] [--prompt-tokens N] [--runs N] [--native on|off] [--fused on|off]',
  '  CONFIG with --model-type gpt2 (the default): small, base, gpt2 (the real GPT-2 124M shape);',
  '         with --model-type t5: small, base (the shape of t5-micro), t5-small (the real t5-small shape). Weights are random.',
  "  train: --batch defaults to the config's (8); a T5 step reads seq encoder tokens and learns seq/2 decoder labels, and",
  "         tokens_per_s counts both. generate: --batch defaults to 1; a T5 prompt is the encoder's input. --fused: gpt2 only.",
  '  (prints JSON {tokens_per_s, step_ms, peak_rss_mb, backend, detail}; medians of the timed steps after warm-up)',
].join('\n');

function oneOf<T extends string>(v: unknown, name: string, valid: readonly T[], dflt?: T): T {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(valid as readonly string[]).includes(v))
    throw new UserError(`bench: --${name} must be one of ${valid.join(', ')}, got '${String(v ?? '')}'`);
  return v as T;
}

type Workloads = typeof import('../../../bench/workloads.ts');

/** What both kinds share: the model type, its configuration (checked by the workload, which names the valid ones) and --fused. */
function common(values: ArgValues, w: Workloads) {
  return {
    modelType: oneOf(values['model-type'], 'model-type', w.BENCH_MODEL_TYPES, 'gpt2'),
    config: typeof values.config === 'string' ? values.config : '',
    fused: oneOf(values.fused, 'fused', ['on', 'off'] as const, 'off') === 'on',
  };
}

function trainOptions(values: ArgValues, w: Workloads) {
  const c = common(values, w);
  const dropout = optFloat(values, 'dropout');
  if (dropout !== undefined && !(dropout >= 0 && dropout < 1)) throw new UserError(`bench: --dropout must be in [0, 1), got ${dropout}`);
  const method = oneOf(
    values.method,
    'method',
    w.benchMethods().map((m) => m.name),
  );
  // Refused before a model is built: a method may have no setting for this model type.
  w.benchSetting(w.benchMethod(method), c.modelType);
  return {
    ...c,
    method,
    steps: optInt(values, 'steps', { min: 1 }) ?? 10,
    warmup: optInt(values, 'warmup', { min: 0 }),
    batch: optInt(values, 'batch', { min: 1 }),
    dropout,
  };
}

function generateOptions(values: ArgValues, w: Workloads) {
  return {
    ...common(values, w),
    batch: optInt(values, 'batch', { min: 1 }) ?? 1,
    newTokens: optInt(values, 'new-tokens', { min: 1 }),
    promptLength: optInt(values, 'prompt-tokens', { min: 1 }),
    runs: optInt(values, 'runs', { min: 1 }),
  };
}

export const command: Command = {
  name: 'bench',
  summary: 'training and generation speed on random GPT-2 and T5 configurations (tokens/s, step time, memory)',
  usage: USAGE,
  options: {
    'model-type': { type: 'string' },
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
    const w = await import('../../../bench/workloads.ts');
    printJson(kind === 'train' ? await w.benchTrain(trainOptions(values, w)) : await w.benchGenerate(generateOptions(values, w)));
  },
};
