import type { Tensor } from '../engine/tf.ts';

/**
 * One layer's cached attention keys and values, [B, heads, past, head_dim] each (HF's layout).
 * Encoder-decoder layers also hold the cross-attention keys/values over the encoder output.
 */
export type LayerKV = {
  key: Tensor;
  value: Tensor;
  crossKey?: Tensor;
  crossValue?: Tensor;
};

export interface ModelInput {
  /** [B, T] int32 token ids; or give inputsEmbeds. */
  inputIds?: Tensor;
  /** [B, T, C] input embeddings (prompt-learning methods prepend virtual tokens here). */
  inputsEmbeds?: Tensor;
  /** [B, past + T] of 0/1; 0 marks padding. */
  attentionMask?: Tensor;
  /** [B, T]; default past..past+T-1 as HF does (not derived from the mask). */
  positionIds?: Tensor;
  /** Per-layer cache (generation) or prefixes (prefix tuning). */
  pastKeyValues?: LayerKV[];
  /** [B, T] with -100 for ignored positions; shifted inside as HF does. */
  labels?: Tensor;
  /** Encoder-decoder models: [B, T_dec] decoder ids (else derived from labels, shifted right). */
  decoderInputIds?: Tensor;
  /** Encoder-decoder models: the encoder's last hidden state [B, S, C], reused across decoding steps. */
  encoderHiddenStates?: Tensor;
  /** Encoder-decoder models: [B, T_dec] decoder padding mask. */
  decoderAttentionMask?: Tensor;
  useCache?: boolean;
  outputHiddenStates?: boolean;
}

export interface ModelOutput {
  /** [B, T, V] */
  logits: Tensor;
  loss?: Tensor;
  pastKeyValues?: LayerKV[];
  hiddenStates?: Tensor[];
  /** Encoder-decoder models: encoder last hidden state and per-layer hidden states. */
  encoderLastHiddenState?: Tensor;
  encoderHiddenStates?: Tensor[];
}
