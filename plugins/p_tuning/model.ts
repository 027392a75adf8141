import { Rng } from '../../src/engine/random.ts';
import { Embedding } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { PromptAdapter } from '../../src/peft/adapter.ts';
import type { AttachContext } from '../../src/peft/plugin.ts';
import { promptLearningAdapter, PromptEmbedding } from '../../src/peft/promptLearning/adapter.ts';
import { totalVirtualTokens } from '../../src/peft/promptLearning/config.ts';
import { virtualTokenForward } from '../../src/peft/promptLearning/virtualTokens.ts';
import type { PromptEncoderConfig } from './config.ts';
import { PromptEncoder } from './encoder.ts';

/**
 * P-tuning: virtual tokens produced by a trainable prompt encoder and prepended to the input. In
 * inference mode (a loaded adapter) there is no encoder: the saved output table is used as is.
 */
export function attachPTuning(model: LanguageModel, config: PromptEncoderConfig, ctx: AttachContext): PromptAdapter<PromptEncoderConfig> {
  for (const [, p] of model.namedParameters()) p.trainable = false;
  const encoder = config.inference_mode
    ? new PromptEmbedding(new Embedding(totalVirtualTokens(config), config.token_dim))
    : new PromptEncoder(config, new Rng(ctx.seed));
  return promptLearningAdapter(config, encoder, 'P-tuning', (base, input, prompts) => virtualTokenForward(base, input, config.num_virtual_tokens, prompts));
}
