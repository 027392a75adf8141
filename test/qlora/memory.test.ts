import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { collate } from '../../src/train/collate.ts';
import { measureTrainingStep, type StepMeasurement } from '../../plugins/qlora/memory.ts';
import { quantizedWeightsReport } from '../../plugins/qlora/model.ts';
import { copyTask } from '../helpers/toyTask.ts';
import { baseDir, loadBase } from '../helpers/methodKit.ts';
import { needsShared } from '../helpers/skip.ts';
import { t2 } from '../helpers/intTensor.ts';

beforeAll(async () => {
  await initBackend();
});

describe('training-step memory and time per method (tiny models)', needsShared(baseDir('tiny-gpt2')), () => {
  it('QLoRA holds less at the peak of a training step than LoRA on float32 weights; every method is measured', async () => {
    const rows: Record<string, unknown>[] = [];
    for (const base of ['tiny-gpt2', 'tiny-t5'] as const) {
      const gpt2 = base === 'tiny-gpt2';
      const targets = gpt2 ? ['c_attn'] : ['q', 'v'];
      const b = collate(copyTask(8, { vocab: 12, encoderDecoder: !gpt2 }), gpt2 ? 999 : 0, !gpt2);
      const input = { inputIds: t2(b.inputIds), attentionMask: t2(b.attentionMask), labels: t2(b.labels) };
      const methods: [string, string, Record<string, unknown>][] = [
        ['lora', 'lora', { r: 8, lora_alpha: 16, target_modules: targets }],
        ['qlora (targets)', 'qlora', { r: 8, lora_alpha: 16, target_modules: targets }],
        ['qlora (all-linear)', 'qlora', { r: 8, lora_alpha: 16, target_modules: targets, quantize_modules: 'all-linear' }],
        ['ia3', 'ia3', {}],
        ['adalora', 'adalora', { target_modules: targets, total_step: 100 }],
      ];
      const results = new Map<string, StepMeasurement>();
      for (const [label, method, cfg] of methods) {
        const model = getPeftModel(loadBase(base), method, cfg, { seed: 1 });
        model.train();
        const m = await measureTrainingStep(model, input, 1);
        results.set(label, m);
        const c = model.paramCounts();
        const q = quantizedWeightsReport(model.base);
        rows.push({
          base,
          method: label,
          trainable_percent: Number(c.trainable_percent.toFixed(3)),
          step_ms: Number((m.seconds * 1000).toFixed(1)),
          peak_kb: Math.round(m.peakBytes / 1024),
          step_extra_kb: Math.round(m.stepPeakExtraBytes / 1024),
          frozen_kb: Math.round((m.frozenFloatBytes + m.quantizedBytes) / 1024),
          ...(q.quantized_params ? { bits_per_quantized_param: Number(q.bits_per_param.toFixed(4)) } : {}),
        });
        model.dispose();
      }
      tf.dispose(Object.values(input));
      const lora = results.get('lora')!;
      const all = results.get('qlora (all-linear)')!;
      const targeted = results.get('qlora (targets)')!;
      // Frozen weights: float32 for LoRA; NF4 (~4.13 bits) for the quantized ones.
      expect(all.frozenFloatBytes + all.quantizedBytes).toBeLessThan(lora.frozenFloatBytes);
      expect(targeted.frozenFloatBytes + targeted.quantizedBytes).toBeLessThan(lora.frozenFloatBytes);
      // The step's peak: dequantized weights live one layer at a time, forward and backward.
      expect(all.peakBytes).toBeLessThan(lora.peakBytes);
      expect(targeted.peakBytes).toBeLessThan(lora.peakBytes);
    }
    console.log(`training step, batch of 8 copy-task examples:\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
  });
});
