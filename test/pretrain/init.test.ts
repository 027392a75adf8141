import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { modelFamily, type LanguageModel } from '../../src/models/registry.ts';
import { initWeights } from '../../src/pretrain/init.ts';
import { preset } from '../../src/pretrain/presets.ts';

function build(name: string, seed: number): LanguageModel {
  const p = preset(name);
  const m = modelFamily(p.config.model_type, name).create(p.config, name);
  initWeights(m, seed);
  return m;
}

function stats(m: LanguageModel, name: string) {
  const p = m.namedParameters().find(([n]) => n === name)![1];
  const v = p.dataSync() as Float32Array;
  let s = 0;
  let s2 = 0;
  for (const x of v) {
    s += x;
    s2 += x * x;
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean) };
}

describe("initial weights follow transformers' _init_weights", () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('GPT-2: N(0, 0.02), c_proj N(0, 0.02/sqrt(2·n_layer)), LayerNorm 1/0, biases 0', () => {
    const m = build('gpt2-micro', 1);
    const near = (name: string, std: number) => {
      const s = stats(m, name);
      expect(Math.abs(s.mean), name).toBeLessThan(std * 0.05);
      expect(s.std / std, name).toBeGreaterThan(0.97);
      expect(s.std / std, name).toBeLessThan(1.03);
    };
    near('transformer.wte.weight', 0.02);
    near('transformer.wpe.weight', 0.02);
    near('transformer.h.0.attn.c_attn.weight', 0.02);
    near('transformer.h.3.mlp.c_fc.weight', 0.02);
    near('transformer.h.0.attn.c_proj.weight', 0.02 / Math.sqrt(8));
    near('transformer.h.2.mlp.c_proj.weight', 0.02 / Math.sqrt(8));
    expect(stats(m, 'transformer.ln_f.weight')).toEqual({ mean: 1, std: 0 });
    expect(stats(m, 'transformer.h.1.attn.c_attn.bias')).toEqual({ mean: 0, std: 0 });
    m.dispose();
  });

  it('T5: factor-scaled normals (shared 1, q (d_model·d_kv)^-½, k/v/wi d_model^-½, o (H·d_kv)^-½, wo d_ff^-½)', () => {
    const m = build('t5-micro', 1);
    const near = (name: string, std: number) => {
      const s = stats(m, name);
      expect(s.std / std, name).toBeGreaterThan(0.95);
      expect(s.std / std, name).toBeLessThan(1.05);
    };
    near('shared.weight', 1);
    near('encoder.block.0.layer.0.SelfAttention.q.weight', (256 * 64) ** -0.5);
    near('encoder.block.0.layer.0.SelfAttention.k.weight', 256 ** -0.5);
    near('decoder.block.2.layer.1.EncDecAttention.v.weight', 256 ** -0.5);
    near('decoder.block.1.layer.0.SelfAttention.o.weight', (4 * 64) ** -0.5);
    near('encoder.block.1.layer.1.DenseReluDense.wi.weight', 256 ** -0.5);
    near('decoder.block.0.layer.2.DenseReluDense.wo.weight', 512 ** -0.5);
    near('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 256 ** -0.5);
    expect(stats(m, 'decoder.final_layer_norm.weight')).toEqual({ mean: 1, std: 0 });
    m.dispose();
  });

  it('is a function of the seed alone', () => {
    const a = build('gpt2-micro', 5);
    const b = build('gpt2-micro', 5);
    const c = build('gpt2-micro', 6);
    const w = (m: LanguageModel) =>
      Array.from(
        (
          m
            .namedParameters()
            .find(([n]) => n === 'transformer.h.0.attn.c_attn.weight')![1]
            .dataSync() as Float32Array
        ).slice(0, 64),
      );
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});
