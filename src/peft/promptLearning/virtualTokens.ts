import { tf, type Tensor } from '../../engine/tf.ts';
import { Embedding } from '../../models/linear.ts';
import type { ModelInput, ModelOutput } from '../../models/outputs.ts';
import type { LanguageModel } from '../../models/registry.ts';

/**
 * The forward of the methods that prepend virtual token embeddings to the input (prompt tuning and
 * P-tuning), as peft 0.10's PeftModelForCausalLM / PeftModelForSeq2SeqLM do it.
 */

/** The base model's input embedding, found as peft does: the embedding with vocab_size rows. */
export function wordEmbeddings(model: LanguageModel): Embedding {
  for (const [, m] of model.namedModules()) if (m instanceof Embedding && m.numEmbeddings === model.vocabSize) return m;
  throw new Error(`${model.modelType}: no input embedding with ${model.vocabSize} rows`);
}

export function batchSize(input: ModelInput): number {
  const t = input.inputIds ?? input.inputsEmbeds ?? input.encoderHiddenStates ?? input.decoderInputIds;
  if (!t) throw new Error('prompt-learning forward needs inputIds, inputsEmbeds or encoderHiddenStates');
  return t.shape[0]!;
}

/** The attention mask with `n` ones in front (the virtual tokens are always attended); undefined stays undefined. */
export function prependOnes(mask: Tensor | undefined, n: number): Tensor | undefined {
  if (!mask) return undefined;
  return tf.concat([tf.ones([mask.shape[0]!, n], mask.dtype), mask], 1);
}

/** The first `n` rows of a [rows, C] table, repeated for each of `B` batch rows: [B, n, C]. */
export function batchedPrompt(table: Tensor, n: number, B: number): Tensor {
  const C = table.shape[1]!;
  const rows = table.shape[0] === n ? table : table.slice([0, 0], [n, C]);
  return tf.tile(rows.reshape([1, n, C]), [B, 1, 1]);
}

/**
 * `prompts()` gives the [rows, C] virtual-token embeddings (rows = num_virtual_tokens ×
 * num_transformer_submodules; only the first num_virtual_tokens are used, as in peft). It is called
 * only when the virtual tokens enter the model: once per forward in training, on the first step
 * in generation (later steps find them in the cache, as peft's prepare_inputs_for_generation).
 */
export function virtualTokenForward(base: LanguageModel, input: ModelInput, nvt: number, prompts: () => Tensor): ModelOutput {
  const B = batchSize(input);
  const attentionMask = prependOnes(input.attentionMask, nvt);
  const withPrompt = (): Tensor => {
    const embeds = input.inputsEmbeds ?? wordEmbeddings(base).forward(input.inputIds!);
    return tf.concat([batchedPrompt(prompts(), nvt, B), embeds], 1);
  };
  if (base.isEncoderDecoder) {
    // Encoder side only; the decoder and its labels are untouched.
    if (input.encoderHiddenStates) return base.forward({ ...input, attentionMask });
    return base.forward({ ...input, inputIds: undefined, inputsEmbeds: withPrompt(), attentionMask });
  }
  // peft drops position_ids, so GPT-2 numbers virtual and real tokens together: 0..nvt+T-1.
  if (input.pastKeyValues) return base.forward({ ...input, positionIds: undefined, attentionMask });
  const labels = input.labels ? tf.concat([tf.fill([B, nvt], -100, input.labels.dtype), input.labels], 1) : undefined;
  return base.forward({ ...input, inputIds: undefined, inputsEmbeds: withPrompt(), positionIds: undefined, attentionMask, labels });
}
