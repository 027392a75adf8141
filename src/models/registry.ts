import { UserError } from '../util/errors.ts';
import type { Module } from './module.ts';
import type { ModelInput, ModelOutput } from './outputs.ts';
import type { ConfigSizes } from './hf/configSizes.ts';
import { gpt2Config, gpt2Sizes } from './gpt2/config.ts';
import { GPT2LMHeadModel } from './gpt2/model.ts';
import { t5Config, t5Sizes } from './t5/config.ts';
import { T5ForConditionalGeneration } from './t5/model.ts';

/** What every model class offers the rest of the library (PEFT, trainer, generation, CLI). */
export interface LanguageModel extends Module {
  readonly modelType: string;
  readonly isEncoderDecoder: boolean;
  readonly vocabSize: number;
  readonly config: object;
  forward(input: ModelInput): ModelOutput;
  /** Parameters that skip weight decay (normalisation weights), by name; the trainer adds biases. */
  noDecayParameterNames(): string[];
}

/**
 * How many positions a decoder-only model can attend to (GPT-2's n_positions, learned position
 * embeddings); undefined when nothing bounds the length (T5's relative positions).
 */
export function positionLimit(model: Pick<LanguageModel, 'isEncoderDecoder' | 'config'>): number | undefined {
  if (model.isEncoderDecoder) return undefined;
  const n = (model.config as { n_positions?: unknown }).n_positions;
  return typeof n === 'number' ? n : undefined;
}

/** The base-model families the experiments compare: a decoder and an encoder-decoder. */
export const MODEL_FAMILIES = ['gpt2', 't5'] as const;
export type ModelFamilyName = (typeof MODEL_FAMILIES)[number];

export interface ModelFamily {
  modelType: string;
  create(rawConfig: Record<string, unknown>, source: string): LanguageModel;
  /** The config's sizes and where a checkpoint shows each: checked before `create` allocates. */
  sizes(rawConfig: Record<string, unknown>, source: string): ConfigSizes;
  /**
   * Maps a checkpoint tensor name to our parameter name; undefined drops it (buffers, tied copies).
   */
  mapWeightName(name: string, rawConfig: Record<string, unknown>): string | undefined;
}

const families = new Map<string, ModelFamily>();

export function registerModelFamily(f: ModelFamily): void {
  families.set(f.modelType, f);
}

export function modelFamily(modelType: unknown, source: string): ModelFamily {
  const f = typeof modelType === 'string' ? families.get(modelType) : undefined;
  if (!f) throw new UserError(`${source}: model_type '${String(modelType)}' is not supported; supported: ${[...families.keys()].join(', ')}`);
  return f;
}

registerModelFamily({
  modelType: 'gpt2',
  create: (raw, source) => new GPT2LMHeadModel(gpt2Config(raw, source)),
  sizes: gpt2Sizes,
  mapWeightName(name, raw) {
    if (/\.attn\.(bias|masked_bias)$/.test(name)) return undefined; // causal-mask buffers
    if (name === 'lm_head.weight') return raw.tie_word_embeddings === false ? name : undefined;
    return name.startsWith('transformer.') ? name : `transformer.${name}`;
  },
});

const t5Family = (modelType: 't5' | 'mt5'): ModelFamily => ({
  modelType,
  create: (raw, source) => new T5ForConditionalGeneration(t5Config(raw, source)),
  sizes: t5Sizes,
  mapWeightName(name, raw) {
    // Checkpoints may repeat the shared embedding under the stacks' and the head's names.
    if (name === 'encoder.embed_tokens.weight' || name === 'decoder.embed_tokens.weight') return undefined;
    if (name === 'lm_head.weight') return raw.tie_word_embeddings === false ? name : undefined;
    return name;
  },
});
registerModelFamily(t5Family('t5'));
registerModelFamily(t5Family('mt5'));
