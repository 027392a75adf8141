import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { generate } from '../../src/generate/generate.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { UserError } from '../../src/util/errors.ts';
import { Ia3Linear } from '../../plugins/ia3/layer.ts';
import { readGolden } from '../helpers/golden.ts';
import { arbInput, BASES, baseDir, loadBase, logitsOf, maxAbsDiff, randomizeTrainable, roundTrip, trainBriefly } from '../helpers/methodKit.ts';
import { needsShared } from '../helpers/skip.ts';
import { layerAdapter } from '../../src/peft/adapter.ts';

beforeAll(async () => {
  await initBackend();
});

const counts = baseDir('tiny-gpt2') ? readGolden<Record<string, object>>('models', 'peft', 'param_counts_tiny.json') : {};

describe('IA³ plugin', needsShared(baseDir('tiny-gpt2')), () => {
  for (const base of BASES) {
    it(`${base}: default targets give peft's trainable counts (param_counts_tiny.json)`, () => {
      const model = getPeftModel(loadBase(base), 'ia3');
      const { printed: _p, ...want } = counts[`${base}__ia3`] as { printed: string };
      expect(model.paramCounts()).toEqual(want);
      model.dispose();
    });
  }

  it('property: with l = 1 (its init) every output equals the base model (GPT-2, T5, gated T5)', () => {
    for (const base of BASES) {
      const plain = loadBase(base);
      const model = getPeftModel(loadBase(base), 'ia3');
      fc.assert(
        fc.property(arbInput(plain.isEncoderDecoder), (x) => maxAbsDiff(logitsOf(plain, x), logitsOf(model, x)) === 0),
        { numRuns: 8 },
      );
      plain.dispose();
      model.dispose();
    }
  });

  it('merge / unmerge / merge_and_unload keep the outputs; unmerge restores the weights (as peft, to ~1e-8 relative)', () => {
    for (const base of ['tiny-gpt2', 'tiny-t5'] as const) {
      const model = getPeftModel(loadBase(base), 'ia3');
      randomizeTrainable(model, 11, 0.3, 1);
      const x = { inputIds: [[5, 17, 300, 42, 7]], attentionMask: [[1, 1, 1, 1, 1]], decoderInputIds: base === 'tiny-gpt2' ? undefined : [[0, 8, 9]] };
      const before = logitsOf(model, x);
      const weights = new Map(model.base.namedParameters().map(([n, p]) => [n, Float32Array.from(p.dataSync())]));
      layerAdapter(model.adapter).merge();
      expect(maxAbsDiff(logitsOf(model, x), before)).toBeLessThan(1e-4);
      layerAdapter(model.adapter).unmerge();
      for (const [n, p] of model.base.namedParameters()) {
        const w = weights.get(n)!;
        const g = p.dataSync();
        for (let i = 0; i < w.length; i++) if (Math.abs(g[i]! - w[i]!) > 1e-6 * Math.max(1, Math.abs(w[i]!))) expect.fail(`${n}[${i}]: ${g[i]} vs ${w[i]}`);
      }
      layerAdapter(model.adapter).mergeAndUnload();
      expect(model.base.namedModules().some(([, m]) => m instanceof Ia3Linear)).toBe(false);
      expect(maxAbsDiff(logitsOf(model, x), before)).toBeLessThan(1e-4);
      model.dispose();
    }
  });

  it('save → load round trip is exact, and generate works through the PeftModel (= the merged model)', () => {
    for (const base of ['tiny-gpt2', 'tiny-t5'] as const) {
      const model = getPeftModel(loadBase(base), 'ia3');
      randomizeTrainable(model, 5, 0.3, 1);
      const x = {
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
      };
      const { reloaded, logitsDiff, dir } = roundTrip(model, base, x);
      expect(logitsDiff).toBe(0);
      const eos = base === 'tiny-gpt2' ? 999 : 1;
      const opts = { strategy: 'greedy' as const, maxNewTokens: 6, eosTokenId: eos, padTokenId: base === 'tiny-gpt2' ? 999 : 0 };
      const viaAdapter = generate(reloaded, { inputIds: [[5, 17, 300, 42]] }, opts);
      layerAdapter(reloaded.adapter).mergeAndUnload();
      expect(generate(reloaded.base, { inputIds: [[5, 17, 300, 42]] }, opts).sequences).toEqual(viaAdapter.sequences);
      rmSync(dir, { recursive: true, force: true });
      reloaded.dispose();
      model.dispose();
    }
  });

  // The tiny random T5 learns slowly with any method in 25 steps (LoRA r8 also ends near 0.91×).
  it('trains with the Trainer: held-out copy-task loss falls clearly on GPT-2 and T5', async () => {
    for (const [base, lr, ratio] of [
      ['tiny-gpt2', 0.1, 0.85],
      ['tiny-t5', 0.3, 0.95],
    ] as const) {
      const model = getPeftModel(loadBase(base), 'ia3', {}, { seed: 1 });
      const { heldOutBefore, heldOutAfter } = await trainBriefly(model, { steps: 25, lr });
      expect(heldOutAfter, `${base}: held-out loss ${heldOutBefore} → ${heldOutAfter}`).toBeLessThan(heldOutBefore * ratio);
      model.dispose();
    }
  });

  it('bad configs fail with one clear line naming the field', () => {
    const m = loadBase('tiny-gpt2');
    expect(() => getPeftModel(m, 'ia3', { target_modules: ['c_attn'], feedforward_modules: ['mlp.c_proj'] })).toThrowError(
      /'feedforward_modules' must be a subset of 'target_modules'.*mlp\.c_proj/,
    );
    expect(() => getPeftModel(m, 'ia3', { init_ia3_weight: true })).toThrowError(UserError);
    expect(() => getPeftModel(m, 'ia3', { target_modules: ['nothing'], feedforward_modules: [] })).toThrowError(/matched no module/);
    m.dispose();
  });
});
