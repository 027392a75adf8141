import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { generate } from '../../src/generate/generate.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { UserError } from '../../src/util/errors.ts';
import { SvdLinear } from '../../plugins/adalora/layer.ts';
import type { AdaLoraAdapter } from '../../plugins/adalora/model.ts';
import { readGolden } from '../helpers/golden.ts';
import { arbInput, BASES, baseDir, loadBase, logitsOf, maxAbsDiff, randomizeTrainable, roundTrip, trainBriefly } from '../helpers/methodKit.ts';
import { needsShared } from '../helpers/skip.ts';
import { layerAdapter } from '../../src/peft/adapter.ts';

beforeAll(async () => {
  await initBackend();
});

/** The goldens' AdaLoRA config (README: init_r 6, target_r 4, alpha 8, LoRA's targets, schedule over 4 steps). */
const goldenConfig = (base: string) => ({
  init_r: 6,
  target_r: 4,
  lora_alpha: 8,
  target_modules: base === 'tiny-gpt2' ? ['c_attn'] : ['q', 'v'],
  tinit: 1,
  tfinal: 1,
  deltaT: 1,
  total_step: 4,
  orth_reg_weight: 0.5,
});

const counts = baseDir('tiny-gpt2') ? readGolden<Record<string, object>>('models', 'peft', 'param_counts_tiny.json') : {};
const x = (base: string) => ({
  inputIds: [
    [5, 17, 300, 42, 7],
    [9, 9, 1, 2, 3],
  ],
  attentionMask: [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 0, 0],
  ],
  decoderInputIds:
    base === 'tiny-gpt2'
      ? undefined
      : [
          [0, 8, 9],
          [0, 1, 2],
        ],
});

describe('AdaLoRA plugin', needsShared(baseDir('tiny-gpt2')), () => {
  for (const base of BASES) {
    it(`${base}: trainable counts equal peft's (param_counts_tiny.json; ranknum counts in all_params only)`, () => {
      const model = getPeftModel(loadBase(base), 'adalora', goldenConfig(base));
      const { printed, ...want } = counts[`${base}__adalora`] as { printed: string };
      expect(model.paramCounts()).toEqual(want);
      expect(model.paramCountsLine()).toBe(printed);
      model.dispose();
    });
  }

  it('property: with E = 0 every output equals the base model (GPT-2, T5, gated T5)', () => {
    for (const base of BASES) {
      const plain = loadBase(base);
      const model = getPeftModel(loadBase(base), 'adalora', goldenConfig(base));
      randomizeTrainable(model, 3, 0.5);
      for (const [n, v] of model.trainableParameters()) if (n.endsWith('.lora_E')) v.assign(tf.zerosLike(v));
      fc.assert(
        fc.property(arbInput(plain.isEncoderDecoder), (inp) => maxAbsDiff(logitsOf(plain, inp), logitsOf(model, inp)) === 0),
        { numRuns: 8 },
      );
      plain.dispose();
      model.dispose();
    }
  });

  it('merge / unmerge / merge_and_unload: ΔW = B(A⊙E)·alpha/(ranknum+1e-5) folded in and out', () => {
    for (const base of ['tiny-gpt2', 'tiny-t5'] as const) {
      const model = getPeftModel(loadBase(base), 'adalora', goldenConfig(base));
      randomizeTrainable(model, 4, 0.3);
      const before = logitsOf(model, x(base));
      const weights = new Map(model.base.namedParameters().map(([n, p]) => [n, Float32Array.from(p.dataSync())]));
      layerAdapter(model.adapter).merge();
      const merged = logitsOf(model, x(base));
      expect(maxAbsDiff(merged, before)).toBeLessThan(1e-4);
      expect(maxAbsDiff(merged, logitsOf(loadBase(base), x(base)))).toBeGreaterThan(1e-3); // the update is not a no-op
      layerAdapter(model.adapter).unmerge();
      for (const [n, p] of model.base.namedParameters()) expect(maxAbsDiff(p.dataSync(), weights.get(n)!), n).toBeLessThan(1e-6);
      layerAdapter(model.adapter).mergeAndUnload();
      expect(model.base.namedModules().some(([, m]) => m instanceof SvdLinear)).toBe(false);
      expect(maxAbsDiff(logitsOf(model, x(base)), before)).toBeLessThan(1e-4);
      model.dispose();
    }
  });

  it('save → load round trip is exact before allocation; after it, the pruned adapter reloads with the same outputs', () => {
    for (const base of ['tiny-gpt2', 'tiny-t5'] as const) {
      const model = getPeftModel(loadBase(base), 'adalora', goldenConfig(base));
      randomizeTrainable(model, 8, 0.3);
      const full = roundTrip(model, base, x(base));
      expect(full.logitsDiff).toBe(0);
      full.reloaded.dispose();
      rmSync(full.dir, { recursive: true, force: true });

      // Allocate with synthetic gradients through the whole schedule, then save the pruned adapter.
      const adapter = model.adapter as AdaLoraAdapter;
      for (let step = 0; step <= 4; step++) {
        const grads = new Map(model.trainableParameters().map(([n, v]) => [n, tf.randomNormal(v.shape, 0, 1, 'float32', 100 + step)]));
        adapter.updateAndAllocate(step, grads);
        tf.dispose([...grads.values()]);
      }
      const ranks = adapter.rankPerModule();
      expect(Object.values(ranks).reduce((s, r) => s + r, 0)).toBe(4 * Object.keys(ranks).length);
      const pruned = roundTrip(model, base, x(base));
      expect(pruned.logitsDiff).toBeLessThan(1e-5);
      expect((pruned.reloaded.adapter as AdaLoraAdapter).rankPerModule()).toEqual(ranks);
      const r = pruned.reloaded.adapter.summary!() as { rank_pattern: Record<string, number> };
      expect(r.rank_pattern).toEqual(ranks);
      // generate goes through the adapter and equals generation with the update merged.
      const opts = { strategy: 'greedy' as const, maxNewTokens: 6, eosTokenId: base === 'tiny-gpt2' ? 999 : 1, padTokenId: base === 'tiny-gpt2' ? 999 : 0 };
      const viaAdapter = generate(pruned.reloaded, { inputIds: [[5, 17, 300, 42]] }, opts).sequences;
      layerAdapter(pruned.reloaded.adapter).mergeAndUnload();
      expect(generate(pruned.reloaded.base, { inputIds: [[5, 17, 300, 42]] }, opts).sequences).toEqual(viaAdapter);
      pruned.reloaded.dispose();
      rmSync(pruned.dir, { recursive: true, force: true });
      model.dispose();
    }
  });

  it('trains with the Trainer, which calls update_and_allocate every step: total_step comes from the plan and ranks end at the target budget', async () => {
    for (const [base, ratio] of [
      ['tiny-gpt2', 0.85],
      ['tiny-t5', 0.95],
    ] as const) {
      const model = getPeftModel(loadBase(base), 'adalora', { target_modules: base === 'tiny-gpt2' ? ['c_attn'] : ['q', 'v'] }, { seed: 1, totalSteps: 25 });
      const adapter = model.adapter as AdaLoraAdapter;
      expect(adapter.config.total_step).toBe(25);
      const { heldOutBefore, heldOutAfter } = await trainBriefly(model, { steps: 25, lr: 0.1 });
      expect(heldOutAfter, `${base}: held-out LM loss ${heldOutBefore} → ${heldOutAfter}`).toBeLessThan(heldOutBefore * ratio);
      const s = adapter.summary!() as { total_rank: number; target_budget: number; init_budget: number };
      expect(s.init_budget).toBe(12 * Object.keys(adapter.rankPerModule()).length);
      expect(s.total_rank).toBe(s.target_budget);
      expect(adapter.config.rank_pattern).not.toBeNull();
      model.dispose();
    }
  });

  it('without total_step, allocation fails with a clear error; bad fields are named', () => {
    const model = getPeftModel(loadBase('tiny-gpt2'), 'adalora', {});
    expect(() => model.adapter.afterOptimizerStep!(1, new Map())).toThrowError(/'total_step' is unknown/);
    model.dispose();
    const m = loadBase('tiny-gpt2');
    expect(() => getPeftModel(m, 'adalora', { beta1: 1 })).toThrowError(/'beta1' must be a number in \(0, 1\)/);
    expect(() => getPeftModel(m, 'adalora', { target_rr: 4 })).toThrowError(UserError);
    expect(() => getPeftModel(m, 'adalora', { rank_pattern: { 'transformer.h.0.attn.c_attn': [true] } })).toThrowError(/lora_E/);
    m.dispose();
  });
});
