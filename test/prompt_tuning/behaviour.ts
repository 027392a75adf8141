/**
 * Behaviour checks shared by the prompt-learning methods: cached generation equals recomputing the
 * whole sequence (virtual tokens, masks and positions handled alike on both paths), beam-search row
 * reordering, and training with the Trainer (the loss falls).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { tf } from '../../src/engine/tf.ts';
import { decoderOnlyStepper } from '../../src/generate/decoderOnlyStepper.ts';
import { encoderDecoderStepper } from '../../src/generate/encoderDecoderStepper.ts';
import { generate } from '../../src/generate/generate.ts';
import type { Stepper } from '../../src/generate/stepper.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { parseTrainingArguments } from '../../src/train/arguments.ts';
import type { TrainExample } from '../../src/train/collate.ts';
import { Trainer, type TrainResult } from '../../src/train/trainer.ts';
import { maxAbsDiff } from '../helpers/golden.ts';
import { baseModel } from './promptGolden.ts';
import { t2 } from '../helpers/intTensor.ts';

export function freshModel(base: string, plugin: string, config: Record<string, unknown>, seed = 7): PeftModel {
  return getPeftModel(baseModel(base), plugin, config, { seed });
}

/** Last-position logits of a full (uncached) forward over the whole sequence so far. */
function recompute(model: PeftModel, enc: { ids: number[][]; mask: number[][] }, seq: number[][], mask?: number[][]): Float32Array {
  return tf.tidy(() => {
    const logits = model.isEncoderDecoder
      ? model.forward({ inputIds: t2(enc.ids), attentionMask: t2(enc.mask), decoderInputIds: t2(seq) }).logits
      : model.forward({ inputIds: t2(seq), attentionMask: t2(mask!) }).logits;
    const [B, L, V] = logits.shape as [number, number, number];
    return logits.slice([0, L - 1, 0], [B, 1, V]).dataSync() as Float32Array;
  });
}

function argmaxRows(logits: Float32Array, V: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / V; r++) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[r * V + v]! > logits[r * V + best]!) best = v;
    out.push(best);
  }
  return out;
}

/**
 * Steps a padded two-row batch through the generation stepper (KV cache, first-step-only virtual
 * tokens, growing mask), reorders rows as beam search does, and compares every step's logits with
 * a full recomputation of the same sequences.
 */
export function expectCachedStepsMatchRecompute(model: PeftModel, steps = 4): void {
  model.eval();
  // Left padding for GPT-2 (as generate expects), right padding for T5's encoder.
  const prompts = model.isEncoderDecoder
    ? {
        inputIds: [
          [12, 40, 7, 99, 3, 1],
          [5, 61, 8, 1, 0, 0],
        ],
        attentionMask: [
          [1, 1, 1, 1, 1, 1],
          [1, 1, 1, 1, 0, 0],
        ],
      }
    : {
        inputIds: [
          [12, 40, 7, 99, 3, 31],
          [999, 999, 5, 61, 8, 2],
        ],
        attentionMask: [
          [1, 1, 1, 1, 1, 1],
          [0, 0, 1, 1, 1, 1],
        ],
      };
  const enc = { ids: prompts.inputIds, mask: prompts.attentionMask };
  const V = model.vocabSize;
  const stepper: Stepper = model.isEncoderDecoder ? encoderDecoderStepper(model, prompts, 1, 0) : decoderOnlyStepper(model, prompts, 1);
  let seq = model.isEncoderDecoder ? prompts.inputIds.map(() => [0]) : prompts.inputIds.map((r) => [...r]);
  let mask = prompts.attentionMask.map((r) => [...r]);
  let encRows = enc;
  try {
    let logits = stepper.prefill();
    for (let s = 0; s < steps; s++) {
      const want = recompute(model, encRows, seq, mask);
      expect(maxAbsDiff(logits, want), `step ${s}`).toBeLessThan(1e-4);
      if (s === 1) {
        // Beam search keeps row 1 twice: the cache (prefix included) must follow.
        stepper.reorder([1, 1]);
        seq = [seq[1]!, seq[1]!].map((r) => [...r]);
        mask = [mask[1]!, mask[1]!].map((r) => [...r]);
        encRows = { ids: [enc.ids[1]!, enc.ids[1]!], mask: [enc.mask[1]!, enc.mask[1]!] };
        logits = Float32Array.from([...logits.subarray(V), ...logits.subarray(V)]);
      }
      const next = argmaxRows(logits, V);
      seq = seq.map((r, i) => [...r, next[i]!]);
      mask = mask.map((r) => [...r, 1]);
      logits = stepper.step(Int32Array.from(next));
    }
  } finally {
    stepper.dispose();
  }
}

/** generate() with greedy and beam search runs and keeps the prompt rows in front. */
export function expectGenerateRuns(model: PeftModel): void {
  const inputIds = [[12, 40, 7, 99, 3, 31]];
  for (const opts of [
    { strategy: 'greedy' as const, maxNewTokens: 5 },
    { strategy: 'beam' as const, maxNewTokens: 5, numBeams: 3, numReturnSequences: 2 },
  ]) {
    const r = generate(model, { inputIds }, opts);
    expect(r.sequences.length).toBe(opts.numReturnSequences ?? 1);
    for (const s of r.sequences) {
      expect(s.length).toBe((model.isEncoderDecoder ? 1 : inputIds[0]!.length) + 5);
      if (!model.isEncoderDecoder) expect(s.slice(0, 6)).toEqual(inputIds[0]);
      expect(s.every((t) => Number.isInteger(t) && t >= 0 && t < model.vocabSize)).toBe(true);
    }
  }
}

/**
 * A small fixed task: map each source (4 tokens) to a fixed 3-token answer that depends on its
 * first token. Decoder-only: prompt + answer with -100 on the prompt; seq2seq: answer as labels.
 */
export function tinyTask(encoderDecoder: boolean, n = 16): TrainExample[] {
  const out: TrainExample[] = [];
  for (let i = 0; i < n; i++) {
    const src = [10 + (i % 4), 20 + i, 30 + ((i * 7) % 11), 40 + ((i * 3) % 5)];
    const answer = i % 4 < 2 ? [101, 102, 103] : [201, 202, 203];
    if (encoderDecoder) out.push({ input_ids: [...src, 1], labels: [...answer, 1] });
    else out.push({ input_ids: [...src, ...answer], labels: [...src.map(() => -100), ...answer] });
  }
  return out;
}

/**
 * Trains with the Trainer and checks what training must do: the eval loss falls by at least
 * `minDrop` (relative), the base model's weights stay bit-identical and every trainable parameter moved.
 */
export async function expectTrains(model: PeftModel, overrides: Record<string, unknown> = {}, minDrop = 0.05): Promise<TrainResult> {
  const frozen = model.base.namedParameters().map(([n, p]) => [n, p, p.dataSync().slice()] as const);
  const start = model.trainableParameters().map(([n, p]) => [n, p, p.dataSync().slice()] as const);
  const { before, after, result } = await trainBriefly(model, overrides);
  expect(after, `eval loss ${before} → ${after}`).toBeLessThan(before * (1 - minDrop));
  for (const [n, p, v] of frozen) expect(maxAbsDiff(p.dataSync(), v), `${n} is frozen`).toBe(0);
  for (const [n, p, v] of start) expect(maxAbsDiff(p.dataSync(), v), `${n} trained`).toBeGreaterThan(0);
  return result;
}

/** Trains with the Trainer and returns eval loss before/after plus the run's numbers. */
export async function trainBriefly(model: PeftModel, overrides: Record<string, unknown> = {}): Promise<{ before: number; after: number; result: TrainResult }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'peft-prompt-train-'));
  try {
    const data = tinyTask(model.isEncoderDecoder);
    const args = parseTrainingArguments({
      output_dir: dir,
      max_steps: 30,
      per_device_train_batch_size: 4,
      per_device_eval_batch_size: 16,
      learning_rate: 0.03,
      lr_scheduler_type: 'constant',
      logging_steps: 1,
      seed: 11,
      ...overrides,
    });
    const trainer = new Trainer(model, args, data, data, [], { quiet: true });
    const before = trainer.evaluate();
    const result = await trainer.fit();
    const after = trainer.evaluate();
    trainer.dispose();
    return { before, after, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
