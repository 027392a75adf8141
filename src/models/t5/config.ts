import { UserError } from '../../util/errors.ts';
import { sizeField, type ConfigSizes } from '../hf/configSizes.ts';

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
  t5Sizes(raw, source);
  const { act } = feedForward(c);
  if (!['relu', 'gelu_new', 'gelu', 'silu'].includes(act))
    throw new UserError(`${source}: feed_forward_proj '${c.feed_forward_proj}' is not supported; valid: relu, gated-gelu, gated-silu`);
  return c;
}

/** The sizes of a T5 config (defaults applied, each checked) and where the checkpoint shows them. */
export function t5Sizes(raw: Record<string, unknown>, source = 'config.json'): ConfigSizes {
  const d = T5_DEFAULTS;
  const V = sizeField(raw, 'vocab_size', d.vocab_size, source);
  const D = sizeField(raw, 'd_model', d.d_model, source);
  const kv = sizeField(raw, 'd_kv', d.d_kv, source);
  const ff = sizeField(raw, 'd_ff', d.d_ff, source);
  const L = sizeField(raw, 'num_layers', d.num_layers, source);
  const Ld = raw.num_decoder_layers === null || raw.num_decoder_layers === undefined ? L : sizeField(raw, 'num_decoder_layers', L, source);
  const H = sizeField(raw, 'num_heads', d.num_heads, source);
  const buckets = sizeField(raw, 'relative_attention_num_buckets', d.relative_attention_num_buckets, source);
  sizeField(raw, 'relative_attention_max_distance', d.relative_attention_max_distance, source);
  const proj = raw.feed_forward_proj ?? d.feed_forward_proj;
  if (typeof proj !== 'string')
    throw new UserError(`${source}: feed_forward_proj must be a string such as "relu" or "gated-gelu", got ${JSON.stringify(proj)}`);
  const gated = proj.startsWith('gated-');
  const untied = raw.tie_word_embeddings === false;
  const attn = 4 * D * H * kv;
  const mlp = (gated ? 3 : 2) * D * ff;
  const enc0 = 'encoder.block.0.layer.0.SelfAttention';
  return {
    fields: [
      { field: 'vocab_size', value: V, tensor: 'shared.weight', axis: 0 },
      { field: 'd_model', value: D, tensor: 'shared.weight', axis: 1 },
      { field: 'd_kv', value: kv, tensor: `${enc0}.q.weight`, axis: 0, per: H },
      { field: 'num_heads', value: H, tensor: `${enc0}.relative_attention_bias.weight`, axis: 1 },
      { field: 'relative_attention_num_buckets', value: buckets, tensor: `${enc0}.relative_attention_bias.weight`, axis: 0 },
      { field: 'd_ff', value: ff, tensor: `encoder.block.0.layer.1.DenseReluDense.${gated ? 'wi_0' : 'wi'}.weight`, axis: 0 },
      { field: 'num_layers', value: L, layers: 'encoder.block' },
      { field: 'num_decoder_layers', value: Ld, layers: 'decoder.block' },
      ...(untied ? [{ field: 'vocab_size', value: V, tensor: 'lm_head.weight', axis: 0 }] : []),
    ],
    parameters: V * D * (untied ? 2 : 1) + L * (attn + mlp + 2 * D) + Ld * (2 * attn + mlp + 3 * D) + 2 * buckets * H + 2 * D,
  };
}
