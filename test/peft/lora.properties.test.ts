import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { initBackend } from '../../src/engine/backend.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { readSafetensorsHeader } from '../../src/models/safetensors.ts';
import { arbInput, BASES, baseDir, loadBase, logitsOf, maxAbsDiff, randomizeTrainable, roundTrip } from '../helpers/methodKit.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';
import { layerAdapter } from '../../src/peft/adapter.ts';

beforeAll(async () => {
  await initBackend();
});

const TARGETS = {
  'tiny-gpt2': ['c_attn', 'c_proj', 'c_fc'],
  'tiny-t5': ['q', 'k', 'v', 'o', 'wi', 'wo'],
  'tiny-t5-gated': ['q', 'v', 'wi_0', 'wi_1', 'wo'],
} as const;
const arbConfig = fc.record({
  r: fc.integer({ min: 1, max: 8 }),
  lora_alpha: fc.integer({ min: 1, max: 32 }),
  use_rslora: fc.boolean(),
  init_lora_weights: fc.constantFrom(true, 'gaussian' as const),
  seed: fc.integer({ min: 0, max: 1000 }),
});

for (const base of BASES) {
  describe(`LoRA properties on ${base}`, needsShared(baseDir(base)), () => {
    const model0 = () => loadBase(base);
    const enc = base !== 'tiny-gpt2';
    const lora = ({ seed, ...cfg }: typeof arbConfig extends fc.Arbitrary<infer C> ? C : never, targets: readonly string[]) =>
      getPeftModel(model0(), 'lora', { ...cfg, target_modules: [...targets] }, { seed });

    it('with B = 0 (the default init) the model equals the base, whatever r, alpha and targets', () => {
      const reference = model0();
      fc.assert(
        fc.property(arbConfig, fc.subarray([...TARGETS[base]], { minLength: 1 }), arbInput(enc), (cfg, targets, x) => {
          const m = lora(cfg, targets);
          const d = maxAbsDiff(logitsOf(m, x), logitsOf(reference, x));
          m.dispose();
          expect(d).toBe(0);
        }),
        { numRuns: 6 },
      );
      reference.dispose();
    });

    it('merged and unmerged outputs agree, and unmerge restores the base weights', () => {
      fc.assert(
        fc.property(arbConfig, arbInput(enc), (cfg, x) => {
          const m = lora(cfg, TARGETS[base]);
          randomizeTrainable(m, cfg.seed, 0.05);
          const before = logitsOf(m, x);
          const w0 = m.base.namedParameters().map(([, p]) => Float32Array.from(p.dataSync()));
          layerAdapter(m.adapter).merge();
          const merged = logitsOf(m, x);
          layerAdapter(m.adapter).unmerge();
          const w1 = m.base.namedParameters().map(([, p]) => p.dataSync());
          const wDiff = Math.max(...w0.map((w, i) => maxAbsDiff(w, w1[i]!)));
          m.dispose();
          // Merging changes float rounding only: 1e-4 relative to the logit (gated T5's reach ~40).
          for (let i = 0; i < before.length; i++) expect(Math.abs(before[i]! - merged[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(before[i]!)));
          expect(wDiff).toBeLessThan(1e-6);
        }),
        { numRuns: 5 },
      );
    });

    it('save → load is exact', () => {
      fc.assert(
        fc.property(arbConfig, arbInput(enc), (cfg, x) => {
          const m = lora(cfg, TARGETS[base]);
          randomizeTrainable(m, cfg.seed + 1);
          const { reloaded, logitsDiff } = roundTrip(m, base, x);
          const a = m.adapter.stateDict();
          const b = reloaded.adapter.stateDict();
          expect([...b.keys()]).toEqual([...a.keys()]);
          for (const [k, t] of a) expect(Array.from(b.get(k)!.dataSync())).toEqual(Array.from(t.dataSync()));
          m.dispose();
          reloaded.dispose();
          expect(logitsDiff).toBe(0);
        }),
        { numRuns: 3 },
      );
    });
  });
}

describe('what we save is what Python peft writes', needsShared(goldenPath('models', 'peft', 'tiny-gpt2__lora')), () => {
  it('same adapter_config.json fields and values, same tensor names, shapes and dtypes', () => {
    const golden = goldenPath('models', 'peft', 'tiny-gpt2__lora')!;
    const m = getPeftModel(loadBase('tiny-gpt2'), 'lora', { r: 4, lora_alpha: 8, target_modules: ['c_attn'], base_model_name_or_path: 'tiny-gpt2' });
    const { dir, reloaded } = roundTrip(m, 'tiny-gpt2', { inputIds: [[1, 2]], attentionMask: [[1, 1]] });
    const ours = JSON.parse(readFileSync(path.join(dir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    const theirs = JSON.parse(readFileSync(path.join(golden, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    expect(ours).toEqual(theirs);
    const h = (d: string) => [...readSafetensorsHeader(path.join(d, 'adapter_model.safetensors')).tensors].map(([k, t]) => [k, t.dtype, t.shape]);
    expect(h(dir)).toEqual(h(golden));
    expect(readSafetensorsHeader(path.join(dir, 'adapter_model.safetensors')).metadata).toEqual({ format: 'pt' });
    m.dispose();
    reloaded.dispose();
  });
});
