/**
 * Fresh weights drawn as transformers' `_init_weights` draws them, from our seeded Rng (so the same
 * seed gives the same model on every machine; torch's generator is not reproduced, only the
 * distributions):
 *
 * - GPT-2 (GPT2PreTrainedModel._init_weights): Linear/Conv1D weights and embeddings ~ N(0, 0.02)
 *   (`initializer_range`), biases 0, LayerNorm weight 1 / bias 0, and every `c_proj.weight` (the
 *   projections that write into the residual stream) ~ N(0, 0.02 / sqrt(2 · n_layer)) — GPT-2 paper §2.3.
 * - T5 (T5PreTrainedModel._init_weights, factor = `initializer_factor`): shared embedding (and an
 *   untied lm_head) ~ N(0, factor · 1.0); wi ~ N(0, factor · d_model^-0.5); wo ~ N(0, factor · d_ff^-0.5);
 *   q ~ N(0, factor · (d_model · d_kv)^-0.5); k, v ~ N(0, factor · d_model^-0.5);
 *   o ~ N(0, factor · (n_heads · d_kv)^-0.5); relative_attention_bias ~ N(0, factor · d_model^-0.5);
 *   T5LayerNorm weight = factor.
 */
import { tf } from '../engine/tf.ts';
import { Rng } from '../engine/random.ts';
import type { LanguageModel } from '../models/registry.ts';

/** 'normal' with a std, or a constant fill. */
export type InitRule = { normal: number } | { constant: number };

/** The rule transformers applies to parameter `name` of a GPT-2 model. */
export function gpt2InitRule(name: string, config: { initializer_range?: number; n_layer: number }): InitRule {
  const std = config.initializer_range ?? 0.02;
  if (/(^|\.)ln_(1|2|f)\.weight$/.test(name)) return { constant: 1 };
  if (name.endsWith('.bias')) return { constant: 0 };
  if (name.endsWith('c_proj.weight')) return { normal: std / Math.sqrt(2 * config.n_layer) };
  return { normal: std };
}

/** The rule transformers applies to parameter `name` of a T5 model. */
export function t5InitRule(name: string, config: { initializer_factor?: number; d_model: number; d_ff: number; d_kv: number; num_heads: number }): InitRule {
  const f = config.initializer_factor ?? 1.0;
  const { d_model: dm, d_ff: dff, d_kv: dkv, num_heads: h } = config;
  if (name.endsWith('layer_norm.weight')) return { constant: f };
  if (name === 'shared.weight' || name === 'lm_head.weight') return { normal: f * 1.0 };
  if (/\.wi(_0|_1)?\.weight$/.test(name)) return { normal: f * dm ** -0.5 };
  if (name.endsWith('.wo.weight')) return { normal: f * dff ** -0.5 };
  if (name.endsWith('.q.weight')) return { normal: f * (dm * dkv) ** -0.5 };
  if (name.endsWith('.k.weight') || name.endsWith('.v.weight')) return { normal: f * dm ** -0.5 };
  if (name.endsWith('.o.weight')) return { normal: f * (h * dkv) ** -0.5 };
  if (name.endsWith('relative_attention_bias.weight')) return { normal: f * dm ** -0.5 };
  throw new Error(`t5 init: no rule for parameter '${name}'`);
}

/**
 * Re-initialises every parameter of `model` in place. Parameters are visited in name order so the
 * draw does not depend on construction order; each draws from its own stream (seed, name), so adding
 * a layer does not change the others.
 */
export function initWeights(model: LanguageModel, seed: number): void {
  const cfg = model.config as Record<string, number>;
  const rule = (name: string): InitRule =>
    model.modelType === 'gpt2'
      ? gpt2InitRule(name, cfg as unknown as { initializer_range?: number; n_layer: number })
      : t5InitRule(name, cfg as unknown as { initializer_factor?: number; d_model: number; d_ff: number; d_kv: number; num_heads: number });
  const params = [...model.namedParameters()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [name, p] of params) {
    const r = rule(name);
    const values = new Float32Array(p.size);
    if ('constant' in r) values.fill(r.constant);
    else {
      const rng = new Rng(streamSeed(seed, name));
      for (let i = 0; i < values.length; i++) values[i] = rng.normal() * r.normal;
    }
    tf.tidy(() => p.assign(tf.tensor(values, p.shape, 'float32')));
  }
}

/** FNV-1a of (seed, name): an independent 32-bit seed per parameter. */
function streamSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
