import { UserError } from '../../util/errors.ts';

/** The fields of Hugging Face's T5Config that change the computation (mT5 and flan-T5 share it). */
export interface T5Config {
  model_type: 't5' | 'mt5';
  vocab_size: number;
  d_model: number;
  d_kv: number;
  d_ff: number;
  num_layers: number;
  num_decoder_layers: number;
  num_heads: number;
  relative_attention_num_buckets: number;
  relative_attention_max_distance: number;
  dropout_rate: number;
  layer_norm_epsilon: number;
  feed_forward_proj: string;
  tie_word_embeddings: boolean;
  pad_token_id: number;
  eos_token_id: number;
  decoder_start_token_id: number;
}

/** T5Config() defaults (transformers 4.39). */
export const T5_DEFAULTS: T5Config = {
  model_type: 't5',
  vocab_size: 32128,
  d_model: 512,
  d_kv: 64,
  d_ff: 2048,
  num_layers: 6,
  num_decoder_layers: 6,
  num_heads: 8,
  relative_attention_num_buckets: 32,
  relative_attention_max_distance: 128,
  dropout_rate: 0.1,
  layer_norm_epsilon: 1e-6,
  feed_forward_proj: 'relu',
  tie_word_embeddings: true,
  pad_token_id: 0,
  eos_token_id: 1,
  decoder_start_token_id: 0,
};

/** Parsed feed_forward_proj: "relu", "gated-gelu" (gelu_new), "gated-silu", … as HF does. */
export function feedForward(c: T5Config): { gated: boolean; act: string } {
  const parts = c.feed_forward_proj.split('-');
  const gated = parts[0] === 'gated';
  if (parts.length > 2 || (parts.length === 2 && !gated))
    throw new UserError(`feed_forward_proj '${c.feed_forward_proj}' is not valid; use 'relu', 'gated-gelu', …`);
  let act = parts[parts.length - 1]!;
  if (act === 'gelu' && gated) act = 'gelu_new'; // HF's special case for gated-gelu
  return { gated, act };
}

export function t5Config(raw: Record<string, unknown>, source = 'config.json'): T5Config {
  const c = { ...T5_DEFAULTS, ...raw } as T5Config;
  if (raw.num_decoder_layers === undefined || raw.num_decoder_layers === null) c.num_decoder_layers = c.num_layers;
  const { act } = feedForward(c);
  if (!['relu', 'gelu_new', 'gelu', 'silu'].includes(act))
    throw new UserError(`${source}: feed_forward_proj '${c.feed_forward_proj}' is not supported; valid: relu, gated-gelu, gated-silu`);
  return c;
}
