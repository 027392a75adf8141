import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { command } from '../../src/cli/commands/bench.ts';
import {
  applyBenchMethod,
  benchGenerate,
  benchMethods,
  benchSetting,
  benchTrain,
  randomT5,
  T5_BENCH_CONFIGS,
  type BenchMethod,
  type BenchResult,
} from '../../bench/workloads.ts';

beforeAll(async () => {
  await initBackend();
});

/** The result's top-level fields are a contract that scripts read. */
function expectContract(r: BenchResult): void {
  expect(Object.keys(r).sort()).toEqual(['backend', 'detail', 'peak_rss_mb', 'step_ms', 'tokens_per_s']);
  for (const k of ['tokens_per_s', 'step_ms', 'peak_rss_mb'] as const) expect(Number.isFinite(r[k]), k).toBe(true);
}

/** LoRA's r for T5, as its plugin declares it for the bench. */
function t5LoraRank(): number {
  const setting = benchMethods().find((m) => m.name === 'lora')!.bench.t5!;
  return setting.peft_config.r as number;
}

describe('bench train --model-type t5', () => {
  it('runs the small T5 with LoRA on q and v, counting encoder inputs and decoder targets', async () => {
    const r = await benchTrain({ modelType: 't5', config: 'small', method: 'lora', steps: 1, warmup: 0 });
    expectContract(r);
    const d = r.detail;
    expect(Number.isFinite(d.last_loss)).toBe(true);
    expect(d).toMatchObject({
      model_type: 't5',
      config: 'small',
      method: 'lora',
      batch: 8,
      input_tokens: 64,
      target_tokens: 32,
      note: 'plugins/lora r=8 alpha=16 on q,v',
    });
    // Each step reads 8 sequences of 64 encoder tokens and 32 decoder labels.
    expect(d.tokens_per_step).toBe(8 * (64 + 32));
    // q and v (128 → 4 heads × 32 = 128) in 2 encoder self-attentions and 2 decoder self- and cross-attentions.
    const projections = 2 * 2 + 2 * 2 * 2;
    expect(d.trainable).toBe(projections * t5LoraRank() * (128 + 128));
    expect(d.shape).toEqual({
      num_layers: 2,
      num_decoder_layers: 2,
      d_model: 128,
      d_ff: 256,
      d_kv: 32,
      num_heads: 4,
      vocab_size: 4096,
      feed_forward_proj: 'relu',
      tie_word_embeddings: true,
    });
  });

  it('takes --batch for training (a real size at batch 1)', async () => {
    const r = await benchTrain({ modelType: 't5', config: 'small', method: 'lora', steps: 1, warmup: 0, batch: 2 });
    expect(r.detail).toMatchObject({ batch: 2, tokens_per_step: 2 * (64 + 32) });
    const g = await benchTrain({ config: 'small', method: 'lora', steps: 1, warmup: 0, batch: 1 });
    expect(g.detail).toMatchObject({ model_type: 'gpt2', config: 'small', batch: 1, seq: 64, tokens_per_step: 64 });
  });

  it('attaches every bench method that has a T5 setting; full fine-tuning trains every parameter', () => {
    const cfg = { ...T5_BENCH_CONFIGS.small, num_layers: 1, num_decoder_layers: 1, vocab_size: 64 };
    const methods = benchMethods().filter((m) => m.bench.t5);
    expect(methods.map((m) => m.name)).toEqual(['lora', 'full']);
    const trainable = methods.map(({ name }) => {
      const { peft } = applyBenchMethod(randomT5(cfg, { dropout: 0 }), name);
      const n = peft.trainableParameters().reduce((s, [, v]) => s + v.size, 0);
      const all = peft.base.numParameters();
      peft.dispose();
      return n === all ? 'all' : n;
    });
    expect(trainable).toEqual([(1 * 2 + 1 * 4) * t5LoraRank() * (128 + 128), 'all']);
  });
});

describe('bench generate --model-type t5', () => {
  it('decodes exactly --new-tokens per row after encoding the prompt', async () => {
    const r = await benchGenerate({ modelType: 't5', config: 'small', batch: 2, promptLength: 16, newTokens: 5, runs: 1, warmup: 0 });
    expectContract(r);
    expect(r.detail).toMatchObject({ model_type: 't5', config: 'small', batch: 2, prompt_tokens: 16, new_tokens: 5, generated_tokens: 2 * 5 });
  });
});

describe('bench errors', () => {
  const oneLine = async (values: Record<string, string>, kind: string, message: string) => {
    const err = await command.run(values, [kind]).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toBe(message);
    expect(err?.message).not.toContain('\n');
  };

  it('names the configurations of the chosen model type', async () => {
    await oneLine(
      { 'model-type': 'gpt2', config: 't5-small', method: 'lora' },
      'train',
      "bench: --config 't5-small' is not a gpt2 configuration; valid with --model-type gpt2: small, base, gpt2",
    );
    await oneLine(
      { config: 't5-small' },
      'generate',
      "bench: --config 't5-small' is not a gpt2 configuration; valid with --model-type gpt2: small, base, gpt2",
    );
    await oneLine(
      { 'model-type': 't5', config: 'gpt2', method: 'full' },
      'train',
      "bench: --config 'gpt2' is not a t5 configuration; valid with --model-type t5: small, base, t5-small",
    );
    await oneLine({ 'model-type': 'bert', config: 'small' }, 'generate', "bench: --model-type must be one of gpt2, t5, got 'bert'");
  });

  it('refuses --fused for T5, whose norms and activation are not the fused ones', async () => {
    await oneLine(
      { 'model-type': 't5', config: 'small', fused: 'on' },
      'generate',
      'bench: --fused on applies to --model-type gpt2 only (its LayerNorm, GELU and causal-LM loss)',
    );
  });

  it('names the methods with a T5 setting when one has none', () => {
    const gpt2Only: BenchMethod = { name: 'gpt2-only', isBaseline: false, bench: { gpt2: { peft_config: {}, note: '' } } };
    expect(() => benchSetting(gpt2Only, 't5', [...benchMethods(), gpt2Only])).toThrow(
      'bench: --method gpt2-only has no t5 setting; valid with --model-type t5: lora, full',
    );
  });
});
