import { UserError } from '../util/errors.ts';
import type { Module } from './module.ts';
import type { ModelInput, ModelOutput } from './outputs.ts';
import { gpt2Config } from './gpt2/config.ts';
import { GPT2LMHeadModel } from './gpt2/model.ts';
import { t5Config } from './t5/config.ts';
import { T5ForConditionalGeneration } from './t5/model.ts';

/** What every model class offers the rest of the library (PEFT, trainer, generation, CLI). */
export interface LanguageModel extends Module {
  readonly modelType: string;
  readonly isEncoderDecoder: boolean;
  readonly vocabSize: number;
  readonly config: object;
  forward(input: ModelInput): ModelOutput;
}

export interface ModelFamily {
  modelType: string;
  create(rawConfig: Record<string, unknown>, source: string): LanguageModel;
  /**
   * Maps a checkpoint tensor name to our parameter name; undefined drops it (buffers, tied copies).
   */
  mapWeightName(name: string, model: LanguageModel): string | undefined;
}

const families = new Map<string, ModelFamily>();

export function registerModelFamily(f: ModelFamily): void {
  families.set(f.modelType, f);
}

export function modelFamily(modelType: unknown, source: string): ModelFamily {
  const f = typeof modelType === 'string' ? families.get(modelType) : undefined;
  if (!f)
    throw new UserError(
      `${source}: model_type '${String(modelType)}' is not supported; supported: ${[...families.keys()].join(', ')}`,
    );
  return f;
}

registerModelFamily({
  modelType: 'gpt2',
  create: (raw, source) => new GPT2LMHeadModel(gpt2Config(raw, source)),
  mapWeightName(name, model) {
    if (/\.attn\.(bias|masked_bias)$/.test(name)) return undefined; // causal-mask buffers
    if (name === 'lm_head.weight') return (model.config as { tie_word_embeddings?: boolean }).tie_word_embeddings === false ? name : undefined;
    return name.startsWith('transformer.') ? name : `transformer.${name}`;
  },
});

const t5Family = (modelType: 't5' | 'mt5'): ModelFamily => ({
  modelType,
  create: (raw, source) => new T5ForConditionalGeneration(t5Config(raw, source)),
  mapWeightName(name, model) {
    // Checkpoints may repeat the shared embedding under the stacks' and the head's names.
    if (name === 'encoder.embed_tokens.weight' || name === 'decoder.embed_tokens.weight') return undefined;
    if (name === 'lm_head.weight') return (model.config as { tie_word_embeddings?: boolean }).tie_word_embeddings === false ? name : undefined;
    return name;
  },
});
registerModelFamily(t5Family('t5'));
registerModelFamily(t5Family('mt5'));
