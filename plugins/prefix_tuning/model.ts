import { Rng } from '../../src/engine/random.ts';
import { Embedding } from '../../src/models/linear.ts';
import type { ModelInput, ModelOutput } from '../../src/models/outputs.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { PromptAdapter } from '../../src/peft/adapter.ts';
import type { AttachContext } from '../../src/peft/plugin.ts';
import type { Tensor } from '../../src/engine/tf.ts';
import { promptLearningAdapter, PromptEmbedding } from '../../src/peft/promptLearning/adapter.ts';
import { batchSize, prependOnes } from '../../src/peft/promptLearning/virtualTokens.ts';
import { attentionLayout, type PrefixTuningConfig } from './config.ts';
import { PrefixEncoder } from './encoder.ts';
import { prefixPastKeyValues } from './pastKeyValues.ts';

/**
 * peft 0.10's prefix-tuning forward: the prefixes enter as past_key_values on the first call (later
 * generation steps find them in the cache) and the attention mask gets num_virtual_tokens ones in
 * front: GPT-2's attention_mask, T5's decoder_attention_mask (T5's encoder gets no prefix).
 * position_ids are dropped, so GPT-2 numbers the real tokens from the past length: nvt..nvt+T−1.
 */
export function prefixForward(base: LanguageModel, input: ModelInput, config: PrefixTuningConfig, table: () => Tensor): ModelOutput {
  const nvt = config.num_virtual_tokens;
  const layers = attentionLayout(base).layers;
  if (!base.isEncoderDecoder) {
    const attentionMask = prependOnes(input.attentionMask, nvt);
    const pastKeyValues = input.pastKeyValues ?? prefixPastKeyValues(table(), config, layers, batchSize(input));
    return base.forward({ ...input, positionIds: undefined, attentionMask, pastKeyValues });
  }
  const decoderAttentionMask = prependOnes(input.decoderAttentionMask, nvt);
  if (input.pastKeyValues) return base.forward({ ...input, decoderAttentionMask });
  const encoderLength = (input.encoderHiddenStates ?? input.inputsEmbeds ?? input.inputIds)?.shape[1];
  const pastKeyValues = prefixPastKeyValues(table(), config, layers, batchSize(input), encoderLength);
  return base.forward({ ...input, decoderAttentionMask, pastKeyValues });
}

/** Prefix tuning (Li & Liang, 2021) / P-tuning v2 (Liu et al., 2022): learned K/V prefixes in every layer. */
export function attachPrefixTuning(model: LanguageModel, config: PrefixTuningConfig, ctx: AttachContext): PromptAdapter<PrefixTuningConfig> {
  for (const [, p] of model.namedParameters()) p.trainable = false;
  const { num_virtual_tokens: n, num_layers: L, token_dim: d } = config;
  // A loaded adapter (inference mode) holds the flat table, projected or not, as peft.
  const encoder =
    config.inference_mode && config.prefix_projection ? new PromptEmbedding(new Embedding(n, L * 2 * d)) : new PrefixEncoder(config, new Rng(ctx.seed));
  return promptLearningAdapter(config, encoder, config.prefix_projection ? 'prefix tuning (projection)' : 'prefix tuning', (base, input, table) =>
    prefixForward(base, input, config, table),
  );
}
