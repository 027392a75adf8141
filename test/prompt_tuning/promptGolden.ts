/**
 * Shared checks for the prompt-learning goldens (`<base>__prompt_tuning`, `__prefix_tuning`,
 * `__prefix_tuning_projection`, `__p_tuning`): loaded adapter, fresh in-memory encoder with peft's
 * weights (trainable_state_full.safetensors), parameter counts, saved table and round trip.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { readSafetensors, toFloat32 } from '../../src/models/safetensors.ts';
import { loadPeftModel, savePeftModel } from '../../src/peft/format.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { ADAPTER_BASES, adapterDir, checkOutputs, loadGoldenAdapter } from '../helpers/adapterGolden.ts';
import { goldenPath, maxAbsDiff, readGolden } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

export { ADAPTER_BASES };

export function readTensors(file: string): Map<string, Tensor> {
  const st = readSafetensors(file);
  return new Map([...st.tensors].map(([k, t]) => [k, tf.tensor(toFloat32(t), t.shape, 'float32')]));
}

export function goldenConfig(base: string, method: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(adapterDir(base, method)!, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
}

/** Test options: skip unless the golden tiny-gpt2 and tiny-t5 (in ../shared) are present. */
export const NEEDS_TINY_BASES = needsShared(goldenPath('models', 'tiny-gpt2'), goldenPath('models', 'tiny-t5'));

export function baseModel(base: string): LanguageModel {
  return loadPretrained(goldenPath('models', base)!);
}

/** get_peft_model with the golden's config (training mode), weights set from trainable_state_full. */
export function freshWithGoldenWeights(base: string, method: string, plugin: string): PeftModel {
  const model = getPeftModel(baseModel(base), plugin, { ...goldenConfig(base, method), inference_mode: false });
  const full = readTensors(path.join(adapterDir(base, method)!, 'trainable_state_full.safetensors'));
  const ours = new Map(model.trainableParameters());
  expect([...ours.keys()].sort(), "in-memory parameter names are peft's").toEqual([...full.keys()].sort());
  for (const [n, t] of full) ours.get(n)!.assign(t);
  tf.dispose([...full.values()]);
  return model;
}

interface Counts {
  trainable_params: number;
  all_params: number;
  trainable_percent: number;
  printed: string;
}

/** A fixed probe input for round-trip comparisons. */
function probe(model: LanguageModel) {
  const ids = tf.tensor2d(
    [
      [5, 17, 300, 2, 9, 41],
      [7, 7, 120, 64, 0, 0],
    ],
    [2, 6],
    'int32',
  );
  const mask = tf.tensor2d(
    [
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 0, 0],
    ],
    [2, 6],
    'int32',
  );
  const dec = model.isEncoderDecoder
    ? tf.tensor2d(
        [
          [0, 4, 8],
          [0, 9, 3],
        ],
        [2, 3],
        'int32',
      )
    : undefined;
  return tf.tidy(() => model.forward({ inputIds: ids, attentionMask: mask, decoderInputIds: dec }).logits);
}

/** The golden suite of one prompt-learning method on every base. */
export function promptGoldenSuite(method: string, plugin: string): void {
  for (const base of ADAPTER_BASES) {
    describe(`${base}__${method} matches peft 0.10`, needsShared(adapterDir(base, method)), () => {
      it('the saved peft adapter gives the golden logits, loss and greedy tokens', () => {
        const { model, golden } = loadGoldenAdapter(base, method);
        checkOutputs(base, model, golden.outputs);
        model.dispose();
      });

      it('get_peft_model counts the parameters peft prints', () => {
        const golden = readGolden<{ param_counts: Counts }>('models', 'peft', `${base}__${method}`, 'golden.json');
        const tiny = readGolden<Record<string, Counts>>('models', 'peft', 'param_counts_tiny.json')[`${base}__${method}`]!;
        const model = getPeftModel(baseModel(base), plugin, { ...goldenConfig(base, method), inference_mode: false });
        const { printed, ...counts } = golden.param_counts;
        expect(model.paramCounts()).toEqual(counts);
        expect(model.paramCountsLine()).toBe(printed);
        expect(model.paramCountsLine()).toBe(tiny.printed);
        model.dispose();
      });

      it("the in-memory encoder with peft's weights gives the golden outputs and saves peft's table", () => {
        const model = freshWithGoldenWeights(base, method, plugin);
        const golden = readGolden<{ outputs: Record<string, Record<string, unknown>> }>('models', 'peft', `${base}__${method}`, 'golden.json');
        checkOutputs(base, model, golden.outputs);
        const saved = model.adapter.stateDict();
        const want = readTensors(path.join(adapterDir(base, method)!, 'adapter_model.safetensors'));
        expect([...saved.keys()]).toEqual(['prompt_embeddings']);
        const got = saved.get('prompt_embeddings')!;
        const exp = want.get('prompt_embeddings')!;
        expect(got.shape).toEqual(exp.shape);
        expect(maxAbsDiff(got.dataSync(), exp.dataSync())).toBeLessThan(1e-5);
        tf.dispose([got, exp]);
        model.dispose();
      });

      it("save_pretrained → from_pretrained: peft's config fields and identical outputs", () => {
        const model = freshWithGoldenWeights(base, method, plugin);
        const dir = mkdtempSync(path.join(os.tmpdir(), `peft-${method}-`));
        try {
          savePeftModel(model, dir);
          const cfg = JSON.parse(readFileSync(path.join(dir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
          expect(cfg).toEqual(goldenConfig(base, method));
          const st = readSafetensors(path.join(dir, 'adapter_model.safetensors'));
          expect([...st.tensors.keys()]).toEqual(['prompt_embeddings']);
          const reloaded = loadPeftModel(baseModel(base), dir);
          const a = probe(model);
          const b = probe(reloaded);
          expect(b.shape).toEqual(a.shape);
          expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
          tf.dispose([a, b]);
          reloaded.dispose();
        } finally {
          rmSync(dir, { recursive: true, force: true });
          model.dispose();
        }
      });
    });
  }
}
