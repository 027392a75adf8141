import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { AdamW, MIN_PARAM_RMS } from '../../src/train/adamw.ts';
import { parseTrainingArguments } from '../../src/train/arguments.ts';

beforeAll(async () => {
  await initBackend();
});

/** One optimizer step on fresh copies of `values`; returns each tensor's change. */
function stepDeltas(values: number[][], scaleByParamRms: boolean, weightDecay = 0): number[][] {
  const params = values.map((v, i) => [`p${i}`, tf.variable(tf.tensor1d(v))] as [string, tf.Variable]);
  const grads = new Map(values.map((v, i) => [`p${i}`, tf.tensor1d(v.map((_, j) => (j % 2 ? 0.5 : -0.25)))]));
  const opt = new AdamW(params, { lr: 1e-2, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay, scaleByParamRms }, new Set());
  opt.apply(grads, 1e-2);
  const out = params.map(([, p], i) => Array.from(p.dataSync()).map((x, j) => x - values[i]![j]!));
  opt.dispose();
  tf.dispose([...params.map(([, p]) => p), ...grads.values()]);
  return out;
}

describe('adamw_scale: AdamW with steps relative to each tensor (nanoT5 AdamWScale)', () => {
  it("scales each tensor's AdamW step by max(1e-3, RMS(tensor)), so small and large weights move by the same fraction", () => {
    const small = [0.01, -0.01, 0.01, -0.01];
    const large = [1, -1, 1, -1];
    const zero = [0, 0, 0, 0];
    const plain = stepDeltas([small, large, zero], false);
    const scaled = stepDeltas([small, large, zero], true);
    const rms = [0.01, 1, MIN_PARAM_RMS];
    scaled.forEach((d, i) => d.forEach((x, j) => expect(x).toBeCloseTo(plain[i]![j]! * rms[i]!, 7)));
    // relative change: the same for the 0.01 and the 1.0 tensor
    expect(Math.abs(scaled[0]![0]! / small[0]!)).toBeCloseTo(Math.abs(scaled[1]![0]! / large[0]!), 5);
  });

  it('is chosen by TrainingArguments.optim, HF-style, with a clear error for unknown optimizers', () => {
    expect(parseTrainingArguments({}).optim).toBe('adamw_torch');
    expect(parseTrainingArguments({ optim: 'adamw_scale' }).optim).toBe('adamw_scale');
    expect(() => parseTrainingArguments({ optim: 'sgd' })).toThrow(/optim.*adamw_torch.*adamw_scale/);
  });
});
