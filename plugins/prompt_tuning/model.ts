import path from 'node:path';
import { tf } from '../../src/engine/tf.ts';
import { Rng } from '../../src/engine/random.ts';
import { Embedding } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { loadTokenizer } from '../../src/models/tokenizers/load.ts';
import type { PromptAdapter } from '../../src/peft/adapter.ts';
import type { AttachContext } from '../../src/peft/plugin.ts';
import { UserError } from '../../src/util/errors.ts';
import { promptLearningAdapter, PromptEmbedding } from '../../src/peft/promptLearning/adapter.ts';
import type { PromptTuningConfig } from './config.ts';
import { normalEmbedding } from '../../src/peft/promptLearning/encoderLayers.ts';
import { totalVirtualTokens } from '../../src/peft/promptLearning/config.ts';
import { virtualTokenForward, wordEmbeddings } from '../../src/peft/promptLearning/virtualTokens.ts';

/**
 * peft's TEXT init: the text's token ids (special tokens included, as `tokenizer(text)`), cut or
 * repeated to `total` ids.
 */
export function textInitIds(ids: number[], total: number, vocab: number, where: string): number[] {
  if (!ids.length) throw new UserError(`${where}: 'prompt_tuning_init_text' tokenizes to no tokens`);
  const bad = ids.find((i) => i < 0 || i >= vocab);
  if (bad !== undefined)
    throw new UserError(`${where}: the init text has token id ${bad}, outside the model's vocabulary of ${vocab}: use the model's own tokenizer`);
  const reps = Math.ceil(total / ids.length);
  return Array.from({ length: reps }, () => ids)
    .flat()
    .slice(0, total);
}

function initialTable(model: LanguageModel, config: PromptTuningConfig, ctx: AttachContext, rng: Rng): Embedding {
  const total = totalVirtualTokens(config);
  if (config.prompt_tuning_init === 'RANDOM' || config.inference_mode) return normalEmbedding(rng, total, config.token_dim);
  let ids: number[];
  if (config.prompt_tuning_init === 'TEXT') {
    const where = `prompt tuning TEXT init (${config.tokenizer_name_or_path})`;
    const tok = ctx.tokenizer ?? loadTokenizer(path.resolve(config.tokenizer_name_or_path!));
    ids = textInitIds(tok.encode(config.prompt_tuning_init_text!), total, model.vocabSize, where);
  } else {
    ids = Array.from({ length: total }, () => rng.int(model.vocabSize));
  }
  const e = new Embedding(total, config.token_dim);
  tf.tidy(() => e.weight.assign(wordEmbeddings(model).forward(tf.tensor1d(ids, 'int32'))));
  return e;
}

/** Prompt tuning (Lester et al., 2021): trainable virtual token embeddings before the input. */
export function attachPromptTuning(model: LanguageModel, config: PromptTuningConfig, ctx: AttachContext): PromptAdapter<PromptTuningConfig> {
  for (const [, p] of model.namedParameters()) p.trainable = false;
  const table = initialTable(model, config, ctx, new Rng(ctx.seed));
  return promptLearningAdapter(config, new PromptEmbedding(table), 'prompt tuning', (base, input, prompts) =>
    virtualTokenForward(base, input, config.num_virtual_tokens, prompts),
  );
}
