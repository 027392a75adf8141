/**
 * Shared checks for the layer methods (IA³, AdaLoRA, QLoRA): random inputs for property tests,
 * logits comparison, a short Trainer run on the toy copy task, and an exact save → load round trip.
 * Used by test/ia3, test/adalora and test/qlora.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { tf } from '../../src/engine/tf.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { ModelInput } from '../../src/models/outputs.ts';
import { loadPeftModel, savePeftModel } from '../../src/peft/format.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { parseTrainingArguments } from '../../src/train/arguments.ts';
import { Trainer, type TrainResult } from '../../src/train/trainer.ts';
import { collate, type TrainExample } from '../../src/train/collate.ts';
import { goldenPath } from './golden.ts';
import { copyTask } from './toyTask.ts';
import { t2 } from './intTensor.ts';

export const BASES = ['tiny-gpt2', 'tiny-t5', 'tiny-t5-gated'] as const;
export type Base = (typeof BASES)[number];

export const baseDir = (base: Base) => goldenPath('models', base);
export const loadBase = (base: Base): LanguageModel => loadPretrained(baseDir(base)!);

export interface IdsInput {
  inputIds: number[][];
  attentionMask: number[][];
  decoderInputIds?: number[][];
}

/** Random batches for our tiny models (vocab 1000), right-padded, with decoder ids for T5. */
export function arbInput(encoderDecoder: boolean): fc.Arbitrary<IdsInput> {
  return fc
    .record({ B: fc.integer({ min: 1, max: 3 }), T: fc.integer({ min: 1, max: 9 }), D: fc.integer({ min: 1, max: 5 }), seed: fc.integer({ min: 0, max: 1e9 }) })
    .map(({ B, T, D, seed }) => {
      let s = seed;
      const next = (n: number) => ((s = (s * 1103515245 + 12345) % 2147483648), s % n);
      const inputIds = Array.from({ length: B }, () => Array.from({ length: T }, () => next(1000)));
      const attentionMask = inputIds.map((row, b) => row.map((_, t) => (b > 0 && t >= T - b && t > 0 ? 0 : 1)));
      const decoderInputIds = encoderDecoder ? Array.from({ length: B }, () => [0, ...Array.from({ length: D - 1 }, () => next(1000))]) : undefined;
      return { inputIds, attentionMask, decoderInputIds };
    });
}

export function toModelInput(x: IdsInput): ModelInput {
  return {
    inputIds: t2(x.inputIds),
    attentionMask: t2(x.attentionMask),
    decoderInputIds: x.decoderInputIds ? t2(x.decoderInputIds) : undefined,
  };
}

/** Logits of `model` on `x` as a flat array. */
export function logitsOf(model: LanguageModel, x: IdsInput): Float32Array {
  return tf.tidy(() => model.forward(toModelInput(x)).logits.dataSync() as Float32Array);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The language-model loss alone (no method penalty) of `model` on a batch of copy-task examples. */
export function lmLoss(model: PeftModel, examples: TrainExample[]): number {
  const b = collate(examples, model.isEncoderDecoder ? 0 : 999, model.isEncoderDecoder);
  return tf.tidy(() => model.base.forward({ inputIds: t2(b.inputIds), attentionMask: t2(b.attentionMask), labels: t2(b.labels) }).loss!.dataSync()[0]!);
}

/**
 * A short Trainer run on the toy copy task. Returns the trainer's result and the language-model loss
 * on held-out examples before and after (the method's own penalty, e.g. AdaLoRA's, left out).
 */
export async function trainBriefly(
  model: PeftModel,
  opts: { steps?: number; lr?: number; seed?: number; batch?: number } = {},
): Promise<{ result: TrainResult; heldOutBefore: number; heldOutAfter: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'peft-method-train-'));
  const encoderDecoder = model.isEncoderDecoder;
  const heldOut = copyTask(16, { vocab: 12, seed: 99, encoderDecoder });
  try {
    const heldOutBefore = lmLoss(model, heldOut);
    const args = parseTrainingArguments({
      output_dir: dir,
      max_steps: opts.steps ?? 25,
      learning_rate: opts.lr ?? 1e-2,
      per_device_train_batch_size: opts.batch ?? 8,
      seed: opts.seed ?? 7,
      save_total_limit: 1,
    });
    const trainer = new Trainer(model, args, copyTask(128, { vocab: 12, encoderDecoder }), [], [], { quiet: true });
    const result = await trainer.fit();
    trainer.dispose();
    return { result, heldOutBefore, heldOutAfter: lmLoss(model, heldOut) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * save_pretrained → from_pretrained onto a fresh base: every saved tensor and the logits must come back
 * bit-identical. Returns the reloaded model (caller disposes).
 */
export function roundTrip(model: PeftModel, base: Base, x: IdsInput): { reloaded: PeftModel; logitsDiff: number; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'peft-method-save-'));
  savePeftModel(model, dir);
  const reloaded = loadPeftModel(loadBase(base), dir);
  const logitsDiff = maxAbsDiff(logitsOf(model, x), logitsOf(reloaded, x));
  return { reloaded, logitsDiff, dir };
}

/** Sets every trainable tensor of `model` to seeded random values (a "trained" adapter). */
export function randomizeTrainable(model: PeftModel, seed: number, scale = 0.2, offset = 0): void {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  for (const [, v] of model.trainableParameters()) {
    const vals = Float32Array.from({ length: v.size }, () => offset + scale * rnd());
    tf.tidy(() => v.assign(tf.tensor(vals, v.shape)));
  }
}
