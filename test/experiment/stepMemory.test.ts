import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { trainingStepMemory } from '../../src/experiment/stepPeakMemory.ts';
import type { TrainingMemoryRecord } from '../../src/experiment/results.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { parseTrainingArguments } from '../../src/train/arguments.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { quantizedWeightsReport } from '../../plugins/qlora/model.ts';
import { baseDir, loadBase, type Base } from '../helpers/methodKit.ts';
import { copyTask } from '../helpers/toyTask.ts';
import { needsShared } from '../helpers/skip.ts';

const MB = 2 ** 20;
const dirs: string[] = [];

beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Measured {
  memory: TrainingMemoryRecord;
  /** Engine bytes live before the model was loaded, and what loading the model and creating the optimizer each added. */
  liveBefore: number;
  modelBytes: number;
  optimizerBytes: number;
  trainableParams: number;
  quantizedBytes: number;
}

/** Loads `base` with `method`, creates the Trainer (and so its AdamW state) and measures one step as run.ts does. */
async function measure(base: Base, method: string, config: Record<string, unknown>): Promise<Measured> {
  const encoderDecoder = base !== 'tiny-gpt2';
  const train = copyTask(8, { vocab: 12, encoderDecoder });
  const liveBefore = tf.memory().numBytes;
  const model = getPeftModel(loadBase(base), method, config, { seed: 1 });
  const afterModel = tf.memory().numBytes;
  const output_dir = mkdtempSync(path.join(os.tmpdir(), 'peft-step-memory-'));
  dirs.push(output_dir);
  const trainer = new Trainer(model, parseTrainingArguments({ output_dir, max_steps: 1, per_device_train_batch_size: 8 }), train, [], [], { quiet: true });
  const optimizerBytes = tf.memory().numBytes - afterModel;
  const quantizedBytes = quantizedWeightsReport(model.base).quantized_bytes;
  try {
    const memory = await trainingStepMemory(model, train, 8, trainer.padId, {
      optimizerState: trainer.optimizer.stateTensors().values(),
      outsideEngineBytes: quantizedBytes,
    });
    return { memory, liveBefore, modelBytes: afterModel - liveBefore, optimizerBytes, trainableParams: model.paramCounts().trainable_params, quantizedBytes };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

const TARGETS: Record<Base, string[]> = { 'tiny-gpt2': ['c_attn'], 'tiny-t5': ['q', 'v'], 'tiny-t5-gated': ['q', 'v'] };

describe('a training step’s peak memory by part (tiny models)', needsShared(baseDir('tiny-gpt2'), baseDir('tiny-t5')), () => {
  for (const base of ['tiny-gpt2', 'tiny-t5'] as const) {
    it(`${base}: optimizer state is 2× the trainable bytes, far less for LoRA; weights are the parameter bytes; the parts sum to the peak`, async () => {
      const lora = { r: 8, lora_alpha: 16, target_modules: TARGETS[base] };
      const full = await measure(base, 'full', {});
      const withLora = await measure(base, 'lora', lora);
      const qlora = await measure(base, 'qlora', lora);
      for (const m of [full, withLora, qlora]) {
        const mem = m.memory;
        // AdamW keeps two float32 moments per trainable weight: measured from its tensors, and from what creating it allocated.
        expect(mem.trainable_mb * MB).toBe(4 * m.trainableParams);
        expect(mem.optimizer_mb * MB).toBe(2 * 4 * m.trainableParams);
        expect(mem.optimizer_mb * MB).toBe(m.optimizerBytes);
        // Weights: what loading the model put in the engine, plus QLoRA's NF4 bytes held outside it.
        expect(mem.weights_mb * MB).toBe(m.modelBytes + m.quantizedBytes);
        expect(mem.other_mb * MB).toBe(m.liveBefore);
        expect(mem.activations_mb).toBeGreaterThan(0);
        expect(mem.gradients_mb! * MB).toBe(mem.trainable_mb * MB);
        expect(mem.weights_mb + mem.optimizer_mb + mem.other_mb + mem.activations_mb).toBeCloseTo(mem.peak_mb, 9);
      }
      expect(full.memory.trainable_mb).toBe(full.memory.weights_mb);
      expect(withLora.memory.optimizer_mb).toBeLessThan(full.memory.optimizer_mb / 10);
      expect(qlora.quantizedBytes).toBeGreaterThan(0);
      expect(qlora.memory.weights_mb).toBeLessThan(withLora.memory.weights_mb);
    });
  }
});
