import { initBackend } from '../../engine/backend.ts';
import { generate } from '../../generate/generate.ts';
import type { GenerationOptions, Strategy } from '../../generate/options.ts';
import { UserError } from '../../util/errors.ts';
import { optFloat, optInt, printJson, requireString, type ArgValues, type Command } from '../command.ts';
import { positionLimit } from '../../models/registry.ts';
import { readInputFile } from '../inputs.ts';
import { loadModelForCli } from '../loadModel.ts';

/** The decoding flags shared by generate and predict. */
export const decodingOptions = {
  strategy: { type: 'string' },
  'num-beams': { type: 'string' },
  'num-return-sequences': { type: 'string' },
  'max-new-tokens': { type: 'string' },
  'min-new-tokens': { type: 'string' },
  'no-repeat-ngram-size': { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'length-penalty': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
} as const;

export function decodingFromFlags(v: ArgValues, defaults: { eos?: number; pad?: number }): GenerationOptions {
  const strategy = (v.strategy as string | undefined) ?? 'greedy';
  if (!['greedy', 'beam', 'sample'].includes(strategy)) throw new UserError(`--strategy '${strategy}' is not valid; valid: greedy, beam, sample`);
  return {
    strategy: strategy as Strategy,
    maxNewTokens: optInt(v, 'max-new-tokens', { min: 1 }) ?? 20,
    minNewTokens: optInt(v, 'min-new-tokens', { min: 0 }),
    numBeams: optInt(v, 'num-beams', { min: 1 }) ?? (strategy === 'beam' ? 4 : 1),
    numReturnSequences: optInt(v, 'num-return-sequences', { min: 1 }),
    noRepeatNgramSize: optInt(v, 'no-repeat-ngram-size', { min: 0 }),
    repetitionPenalty: optFloat(v, 'repetition-penalty'),
    lengthPenalty: optFloat(v, 'length-penalty'),
    temperature: optFloat(v, 'temperature'),
    topK: optInt(v, 'top-k', { min: 0 }),
    topP: optFloat(v, 'top-p'),
    seed: optInt(v, 'seed', { min: 0 }),
    eosTokenId: defaults.eos,
    padTokenId: defaults.pad,
  };
}

export function specialIds(config: object): { eos?: number; pad?: number } {
  const c = config as { eos_token_id?: number | null; pad_token_id?: number | null };
  return { eos: c.eos_token_id ?? undefined, pad: c.pad_token_id ?? c.eos_token_id ?? undefined };
}

export const command: Command = {
  name: 'generate',
  summary: 'decode with greedy, beam search or sampling',
  usage:
    'peft-lab generate --model DIR [--adapter DIR] --input FILE.json --strategy greedy|beam|sample [--num-beams N] ' +
    '[--num-return-sequences N] [--max-new-tokens N] [--min-new-tokens N] [--no-repeat-ngram-size N] ' +
    '[--repetition-penalty X] [--length-penalty X] [--temperature X] [--top-k N] [--top-p X] [--seed N]   (prints {"sequences", "sequences_scores"?})\n' +
    "  --repetition-penalty X: transformers' repetition_penalty, > 0; above 1 makes tokens already in the sequence less likely (1.2 in the CTRL paper), 1 is off",
  options: { model: { type: 'string' }, adapter: { type: 'string' }, input: { type: 'string' }, ...decodingOptions },
  async run(values) {
    await initBackend();
    const model = await loadModelForCli(requireString(values, 'model', 'generate'), values.adapter as string | undefined);
    const inp = readInputFile(requireString(values, 'input', 'generate'), model.vocabSize, positionLimit(model));
    const opts = decodingFromFlags(values, specialIds(model.config));
    const r = generate(model, { inputIds: inp.input_ids, attentionMask: inp.attention_mask }, opts);
    printJson(r.sequencesScores ? { sequences: r.sequences, sequences_scores: r.sequencesScores } : { sequences: r.sequences });
  },
};
