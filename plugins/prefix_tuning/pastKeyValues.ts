import { tf, type Tensor } from '../../src/engine/tf.ts';
import type { LayerKV } from '../../src/models/outputs.ts';
import type { PrefixTuningConfig } from './config.ts';

/**
 * peft's get_prompt for prefix tuning: the table [nvt, L·2·d] viewed as [nvt, 2L, heads, head_dim]
 * and permuted to 2L entries of [heads, nvt, head_dim]. With num_transformer_submodules = 2 peft
 * concatenates the 2L entries with themselves and splits them in groups of four, so layer i reads
 * entries (4i + j) mod 2L: self key, self value, cross key, cross value. Decoder-only layer i reads
 * entries 2i and 2i + 1. Each entry is repeated over the batch: [B, heads, nvt, head_dim].
 */
export function prefixEntries(table: Tensor, config: PrefixTuningConfig, layers: number, B: number): Tensor[][] {
  const { num_virtual_tokens: n, num_layers: L, num_attention_heads: H, token_dim: d, num_transformer_submodules: S } = config;
  const entries = tf.unstack(table.reshape([n, 2 * L, H, d / H]).transpose([1, 2, 0, 3]));
  const batched = (e: Tensor) => tf.tile(e.expandDims(0), [B, 1, 1, 1]);
  const group = 2 * S;
  return Array.from({ length: layers }, (_, i) => Array.from({ length: group }, (_, j) => batched(entries[(group * i + j) % (2 * L)]!)));
}

/**
 * The per-layer prefixes in our cache layout. T5 (transformers 4.39) prepends the self-attention
 * prefix; a cross-attention "past" whose length differs from the encoder output is ignored and the
 * keys/values are projected from the encoder as usual — except when the lengths happen to be equal,
 * where it is taken for a cache and used instead of the encoder output. Both are reproduced.
 */
export function prefixPastKeyValues(table: Tensor, config: PrefixTuningConfig, layers: number, B: number, encoderLength?: number): LayerKV[] {
  return prefixEntries(table, config, layers, B).map(([key, value, crossKey, crossValue]) => {
    const kv: LayerKV = { key: key!, value: value! };
    if (crossKey && encoderLength === config.num_virtual_tokens) {
      kv.crossKey = crossKey;
      kv.crossValue = crossValue;
    }
    return kv;
  });
}
