import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import { readSafetensors, toFloat32 } from '../../src/models/safetensors.ts';
import { loadPeftModel, savePeftModel } from '../../src/peft/format.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import type { AdaLoraAdapter } from '../../plugins/adalora/model.ts';
import { ADAPTER_BASES, adapterDir, checkOutputs, loadGoldenAdapter } from '../helpers/adapterGolden.ts';
import { flat, goldenPath, readGolden } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';
import { t2 } from '../helpers/intTensor.ts';

interface AllocationStep {
  global_step: number;
  loss_with_orth_reg: number;
  budget: number;
  mask_ind: boolean;
  lora_E_after: Record<string, number[][]>;
}
interface AdaLoraGolden {
  outputs: Record<string, Record<string, unknown>>;
  allocation: {
    steps: AllocationStep[];
    rank_pattern: Record<string, boolean[]>;
    outputs_after_allocation: Record<string, Record<string, unknown>>;
  };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'peft-adalora-'));
beforeAll(async () => {
  await initBackend();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The batch the golden's allocation trace was computed on (GPT-2: right_pad, T5: loss). */
function traceBatch(golden: AdaLoraGolden) {
  const o = golden.outputs.right_pad ?? golden.outputs.loss!;
  return { inputIds: t2(o.input_ids as number[][]), attentionMask: t2(o.attention_mask as number[][]), labels: t2(o.labels as number[][]) };
}

/** loss.backward() + update_and_allocate(step), no optimizer step; returns the loss of each step. */
function allocationStep(model: PeftModel, batch: ReturnType<typeof traceBatch>, step: number): number {
  const params = model.trainableParameters();
  const { value, grads } = tf.variableGrads(
    () => model.forward(batch).loss as tf.Scalar,
    params.map(([, v]) => v),
  );
  const byName = new Map<string, Tensor>(params.map(([n, v]) => [n, grads[v.name]!]));
  model.adapter.afterOptimizerStep!(step, byName);
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
}

/** Golden keys carry peft's prefix and adapter name: base_model.model.<path>.lora_E.default. */
const modulePath = (goldenKey: string) => goldenKey.replace(/^base_model\.model\./, '').replace(/\.lora_E(\.default)?$/, '');

for (const base of ADAPTER_BASES) {
  describe(`${base}__adalora matches peft 0.10`, needsShared(adapterDir(base, 'adalora')), () => {
    // Read when the first test runs: skipped suites are still collected.
    let cached: AdaLoraGolden | undefined;
    const golden = () => (cached ??= readGolden<AdaLoraGolden>('models', 'peft', `${base}__adalora`, 'golden.json'));

    it('loads the peft adapter: counts, logits, loss with the orthogonality penalty, greedy tokens', () => {
      const { model, golden: g } = loadGoldenAdapter(base, 'adalora', { isTrainable: true });
      const { printed, ...counts } = g.param_counts as typeof g.param_counts & { printed?: string };
      expect(model.paramCounts()).toEqual(counts);
      expect(model.paramCountsLine()).toBe(printed);
      checkOutputs(base, model, g.outputs);
      model.dispose();
    });

    it('update_and_allocate reproduces the allocation trace (budget, mask, every lora_E), then saves the pruned adapter as peft', () => {
      const { model } = loadGoldenAdapter(base, 'adalora', { isTrainable: true });
      const adapter = model.adapter as AdaLoraAdapter;
      const batch = traceBatch(golden());
      const eByPath = new Map(model.base.namedParameters().filter(([n]) => n.endsWith('.lora_E')));
      for (const s of golden().allocation.steps) {
        const loss = allocationStep(model, batch, s.global_step);
        expect(Math.abs(loss - s.loss_with_orth_reg) / s.loss_with_orth_reg, `step ${s.global_step} loss`).toBeLessThan(1e-5);
        expect(adapter.budgetSchedule(s.global_step), `step ${s.global_step} schedule`).toEqual({ budget: s.budget, maskInd: s.mask_ind });
        for (const [key, want] of Object.entries(s.lora_E_after)) {
          const got = eByPath.get(`${modulePath(key)}.lora_E`)!.dataSync();
          const w = flat(want);
          for (let i = 0; i < w.length; i++)
            if (w[i] === 0 ? got[i] !== 0 : Math.abs(got[i]! - w[i]!) > 1e-7) expect.fail(`step ${s.global_step} ${key}[${i}]: got ${got[i]}, want ${w[i]}`);
        }
      }
      const wantPattern = Object.fromEntries(Object.entries(golden().allocation.rank_pattern).map(([k, v]) => [k.replace(/\.default$/, ''), v]));
      expect(adapter.config.rank_pattern).toEqual(wantPattern);
      expect(adapter.rankPerModule()).toEqual(
        Object.fromEntries(Object.entries(wantPattern).map(([k, v]) => [k.replace(/\.lora_E$/, ''), v.filter(Boolean).length])),
      );
      checkOutputs(base, model, golden().allocation.outputs_after_allocation);

      // Saved as peft saves it: tensors cut to the kept ranks, rank_pattern in the config.
      const out = path.join(tmp, `${base}-allocated`);
      savePeftModel(model, out);
      const goldDir = adapterDir(base, 'adalora_allocated')!;
      const wantCfg = JSON.parse(readFileSync(path.join(goldDir, 'adapter_config.json'), 'utf8'));
      const gotCfg = JSON.parse(readFileSync(path.join(out, 'adapter_config.json'), 'utf8'));
      expect(gotCfg.rank_pattern).toEqual(wantCfg.rank_pattern);
      for (const k of [
        'init_r',
        'target_r',
        'lora_alpha',
        'total_step',
        'tinit',
        'tfinal',
        'deltaT',
        'beta1',
        'beta2',
        'orth_reg_weight',
        'peft_type',
        'target_modules',
        'fan_in_fan_out',
      ])
        expect(gotCfg[k], k).toEqual(wantCfg[k]);
      const want = readSafetensors(path.join(goldDir, 'adapter_model.safetensors')).tensors;
      const got = readSafetensors(path.join(out, 'adapter_model.safetensors')).tensors;
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [k, w] of want) {
        const g = got.get(k)!;
        expect(g.shape, k).toEqual(w.shape);
        expect(Array.from(toFloat32(g)), k).toEqual(Array.from(toFloat32(w)));
      }
      model.dispose();
    });
  });

  describe(`${base}__adalora_allocated (pruned, rank_pattern) loads as in peft`, needsShared(adapterDir(base, 'adalora_allocated')), () => {
    it('rebuilds the kept ranks and gives the outputs after allocation', () => {
      const golden = readGolden<AdaLoraGolden>('models', 'peft', `${base}__adalora`, 'golden.json');
      const model = loadPeftModel(loadPretrained(goldenPath('models', base)!), adapterDir(base, 'adalora_allocated')!);
      const adapter = model.adapter as AdaLoraAdapter;
      const pattern = readGolden<{ rank_pattern: Record<string, boolean[]> }>(
        'models',
        'peft',
        `${base}__adalora_allocated`,
        'adapter_config.json',
      ).rank_pattern;
      expect(adapter.rankPerModule()).toEqual(
        Object.fromEntries(Object.entries(pattern).map(([k, v]) => [k.replace(/\.lora_E$/, ''), v.filter(Boolean).length])),
      );
      // The golden losses include the penalty on the full-rank matrices of the in-memory model; a
      // reloaded pruned adapter has other matrices, so only the logits and tokens are comparable.
      const outputs = Object.fromEntries(
        Object.entries(golden.allocation.outputs_after_allocation).map(([k, o]) => {
          const { loss: _loss, ...rest } = o;
          return [k, rest];
        }),
      );
      checkOutputs(base, model, outputs);
      model.dispose();
    });
  });
}
