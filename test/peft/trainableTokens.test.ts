import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { layerAdapter } from '../../src/peft/adapter.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { expectedTrainableParams } from '../../src/experiment/formulas.ts';
import { readSafetensors } from '../../src/models/safetensors.ts';
import { wordEmbeddings } from '../../src/peft/promptLearning/virtualTokens.ts';
import { UserError } from '../../src/util/errors.ts';
import { baseDir, loadBase, logitsOf, maxAbsDiff, roundTrip, trainBriefly } from '../helpers/methodKit.ts';
import { needsShared } from '../helpers/skip.ts';
import { registerAllPlugins } from '../../plugins/index.ts';

beforeAll(async () => {
  await initBackend();
  registerAllPlugins();
});

const ROWS = [3, 4];
/** Inputs without the trained tokens, and one with them. */
const plain = { inputIds: [[5, 17, 300, 42, 7]], attentionMask: [[1, 1, 1, 1, 1]] };
const marked = { inputIds: [[5, 3, 300, 4, 7]], attentionMask: [[1, 1, 1, 1, 1]] };

/** Sets the trained rows to seeded values (a "trained" adapter's rows). */
function setRows(model: ReturnType<typeof getPeftModel>, seed: number): void {
  const [, delta] = model.trainableParameters().find(([n]) => n.endsWith('token_adapter.trainable_tokens_delta'))!;
  tf.tidy(() => delta.assign(tf.randomNormal(delta.shape, 0, 1, 'float32', seed)));
}

describe('trainable tokens (trainable_token_indices)', needsShared(baseDir('tiny-gpt2')), () => {
  it('start as the base model: the rows begin as the originals', () => {
    const base = loadBase('tiny-gpt2');
    const model = getPeftModel(loadBase('tiny-gpt2'), 'lora', { trainable_token_indices: ROWS });
    expect(maxAbsDiff(logitsOf(base, marked), logitsOf(model, marked))).toBe(0);
    base.dispose();
    model.dispose();
  });

  it('change only the listed rows: in the input lookup and in the tied head', () => {
    const base = loadBase('tiny-gpt2');
    const model = getPeftModel(loadBase('tiny-gpt2'), 'ia3', { trainable_token_indices: ROWS });
    setRows(model, 7);
    const V = base.vocabSize;
    const a = logitsOf(base, plain);
    const b = logitsOf(model, plain);
    // Without the tokens in the input, only the head's columns of the trained rows move.
    for (let i = 0; i < a.length; i++) if (!ROWS.includes(i % V) && a[i] !== b[i]) expect.fail(`logit ${i} (token ${i % V}) changed`);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(logitsOf(base, marked), logitsOf(model, marked))).toBeGreaterThan(1e-3);
    base.dispose();
    model.dispose();
  });

  it("count, save and load as peft: C parameters per row, key '<embedding>.token_adapter.trainable_tokens_delta'", () => {
    const model = getPeftModel(loadBase('tiny-gpt2'), 'lora', { trainable_token_indices: ROWS });
    const plainLora = getPeftModel(loadBase('tiny-gpt2'), 'lora');
    const C = wordEmbeddings(model.base).embeddingDim;
    expect(model.paramCounts().trainable_params - plainLora.paramCounts().trainable_params).toBe(ROWS.length * C);
    for (const [method, m] of [['lora', model]] as const) {
      const fresh = loadBase('tiny-gpt2');
      const formula = expectedTrainableParams(method, m.adapter.config as unknown as Record<string, unknown>, fresh);
      expect(formula.count, formula.formula).toBe(m.paramCounts().trainable_params);
      fresh.dispose();
    }
    setRows(model, 3);
    const { reloaded, logitsDiff, dir } = roundTrip(model, 'tiny-gpt2', marked);
    expect(logitsDiff).toBe(0);
    const saved = readSafetensors(path.join(dir, 'adapter_model.safetensors'));
    expect(saved.tensors.get('base_model.model.transformer.wte.token_adapter.trainable_tokens_delta')?.shape).toEqual([ROWS.length, C]);
    expect(JSON.parse(readFileSync(path.join(dir, 'adapter_config.json'), 'utf8')).trainable_token_indices).toEqual(ROWS);
    rmSync(dir, { recursive: true, force: true });
    for (const m of [model, plainLora, reloaded]) m.dispose();
  });

  it('a config without the field writes none (peft 0.10 reads it)', () => {
    const model = getPeftModel(loadBase('tiny-gpt2'), 'lora');
    expect('trainable_token_indices' in model.adapter.config).toBe(false);
    model.dispose();
  });

  it('merge writes the rows into the table; unmerge restores the originals', () => {
    const model = getPeftModel(loadBase('tiny-gpt2'), 'lora', { trainable_token_indices: ROWS });
    setRows(model, 9);
    const weight = wordEmbeddings(model.base).weight;
    const original = Float32Array.from(weight.dataSync());
    const before = logitsOf(model, marked);
    const tensors = tf.memory().numTensors;
    layerAdapter(model.adapter).merge();
    expect(maxAbsDiff(logitsOf(model, marked), before)).toBeLessThan(1e-5);
    expect(maxAbsDiff(weight.dataSync(), original)).toBeGreaterThan(1e-3);
    layerAdapter(model.adapter).unmerge();
    expect(tf.memory().numTensors, 'merge and unmerge leave no tensor behind').toBe(tensors);
    expect(maxAbsDiff(weight.dataSync(), original)).toBe(0);
    expect(maxAbsDiff(logitsOf(model, marked), before)).toBeLessThan(1e-5);
    layerAdapter(model.adapter).mergeAndUnload();
    expect(wordEmbeddings(model.base).rowOverride).toBeUndefined();
    expect(maxAbsDiff(logitsOf(model, marked), before)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('train: the rows get gradients and move, the frozen table does not', async () => {
    const model = getPeftModel(loadBase('tiny-gpt2'), 'ia3', { trainable_token_indices: ROWS }, { seed: 1 });
    const table = Float32Array.from(wordEmbeddings(model.base).weight.dataSync());
    const [, delta] = model.trainableParameters().find(([n]) => n.endsWith('trainable_tokens_delta'))!;
    const rows = Float32Array.from(delta.dataSync());
    // The copy task's tokens (ids below 12) include the trained rows.
    await trainBriefly(model, { steps: 3, lr: 0.05 });
    expect(maxAbsDiff(wordEmbeddings(model.base).weight.dataSync(), table)).toBe(0);
    expect(maxAbsDiff(delta.dataSync(), rows)).toBeGreaterThan(0);
    model.dispose();
  });

  it('refuse ids outside the vocabulary, repeated ids and the per-module map, in one line', () => {
    const base = loadBase('tiny-gpt2');
    const bad = (v: unknown) => () => getPeftModel(base, 'lora', { trainable_token_indices: v });
    expect(bad([base.vocabSize])).toThrow(
      new UserError(`lora config: 'trainable_token_indices' has token id ${base.vocabSize}; valid ids are 0 to ${base.vocabSize - 1}`),
    );
    expect(bad([3, 3])).toThrow(/lists a token id twice/);
    expect(bad({ wte: [3] })).toThrow(/per-module map form is not supported/);
    base.dispose();
  });
});
