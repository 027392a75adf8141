import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/tf.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { ADAPTER_BASES, adapterDir, checkOutputs, loadGoldenAdapter } from '../helpers/adapterGolden.ts';
import { flat, maxAbsDiff, stats } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';
import { layerAdapter } from '../../src/peft/adapter.ts';

beforeAll(async () => {
  await initBackend();
});

for (const base of ADAPTER_BASES) {
  for (const method of ['lora', 'lora_rslora', 'lora_allconv']) {
    describe(`${base}__${method} matches peft 0.10`, needsShared(adapterDir(base, method)), () => {
      it('loads the peft adapter: counts, logits, loss and greedy tokens', () => {
        const { model, golden } = loadGoldenAdapter(base, method);
        const { printed: _printed, ...counts } = golden.param_counts as typeof golden.param_counts & { printed?: string };
        expect(model.paramCounts()).toEqual(counts);
        expect(model.paramCountsLine()).toBe(_printed);
        checkOutputs(base, model, golden.outputs);
        model.dispose();
      });

      it('merge_and_unload gives the golden merged weights and the same outputs', () => {
        const { model, golden } = loadGoldenAdapter(base, method);
        const m = golden.merged!;
        layerAdapter(model.adapter).mergeAndUnload();
        const params = new Map(model.base.namedParameters());
        for (const [name, want] of Object.entries(m.changed_tensors)) {
          const p = params.get(name);
          expect(p, name).toBeDefined();
          const s = stats(p!.dataSync(), p!.shape);
          expect(Math.abs(s.sum - want.stats.sum), `${name} sum`).toBeLessThan(1e-3);
          expect(Math.abs(s.sq_sum - want.stats.sq_sum), `${name} sq_sum`).toBeLessThan(1e-3);
          expect(Math.abs(s.max - want.stats.max), `${name} max`).toBeLessThan(1e-5);
        }
        const ex = params.get(m.full_tensor_example.name)!;
        const want = flat(m.full_tensor_example.values);
        const got = ex.dataSync();
        expect(maxAbsDiff(got, want)).toBeLessThan(1e-6);
        checkOutputs(base, model, m.outputs, false);
        expect(tf.memory().numTensors).toBeGreaterThan(0);
        model.dispose();
      });
    });
  }
}
