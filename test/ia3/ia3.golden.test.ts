import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { ADAPTER_BASES, adapterDir, checkOutputs, loadGoldenAdapter } from '../helpers/adapterGolden.ts';
import { needsShared } from '../helpers/skip.ts';

beforeAll(async () => {
  await initBackend();
});

for (const base of ADAPTER_BASES) {
  describe(`${base}__ia3 matches peft 0.10`, needsShared(adapterDir(base, 'ia3')), () => {
    it('loads the peft adapter: counts, config, logits, loss and greedy tokens', () => {
      const { model, golden } = loadGoldenAdapter(base, 'ia3');
      const { printed, ...counts } = golden.param_counts as typeof golden.param_counts & { printed?: string };
      expect(model.paramCounts()).toEqual(counts);
      expect(model.paramCountsLine()).toBe(printed);
      checkOutputs(base, model, golden.outputs);
      model.dispose();
    });
  });
}
