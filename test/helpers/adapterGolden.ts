import { expect } from 'vitest';
import path from 'node:path';
import { tf } from '../../src/engine/tf.ts';
import { generate } from '../../src/generate/generate.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import { loadPeftModel } from '../../src/peft/format.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { flat, goldenPath, readGolden, stats, type Stats } from './golden.ts';
import { t2 } from './intTensor.ts';

export interface AdapterGolden {
  method: string;
  param_counts: { trainable_params: number; all_params: number; trainable_percent: number };
  outputs: Record<string, Record<string, unknown>>;
  merged?: {
    changed_tensors: Record<string, { shape: number[]; stats: Stats; delta_stats: Stats }>;
    outputs: Record<string, Record<string, unknown>>;
    full_tensor_example: { name: string; values: unknown };
  };
}

export const ADAPTER_BASES = ['tiny-gpt2', 'tiny-t5', 'tiny-t5-gated'] as const;

export function adapterDir(base: string, method: string): string | undefined {
  return goldenPath('models', 'peft', `${base}__${method}`);
}

export function loadGoldenAdapter(base: string, method: string, opts: { isTrainable?: boolean } = {}) {
  const dir = adapterDir(base, method)!;
  const baseModel = loadPretrained(goldenPath('models', base)!);
  const model = loadPeftModel(baseModel, dir, opts);
  const golden = readGolden<AdapterGolden>('models', 'peft', `${base}__${method}`, 'golden.json');
  return { model, golden, dir: path.resolve(dir) };
}

const orNull = (m: unknown) => (m ? t2(m as number[][]) : undefined);

/** Tolerances of the golden README: logits 1e-4 abs (gated T5, logits up to ~40: 1e-5 rel or 5e-4 abs), losses 1e-5 rel. */
function logitTol(base: string, want: number) {
  return base === 'tiny-t5-gated' ? Math.max(5e-4, Math.abs(want) * 1e-5) : 1e-4;
}

function expectClose(base: string, got: ArrayLike<number>, want: number[], what: string) {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    if (Math.abs(got[i]! - want[i]!) > logitTol(base, want[i]!)) expect.fail(`${what}: element ${i}: got ${got[i]}, want ${want[i]}`);
}

function expectStats(got: ReturnType<typeof stats>, want: Stats, what: string, tol = 1e-4) {
  expect(got.count, what).toBe(want.count);
  expect(Math.abs(got.mean - want.mean), `${what} mean`).toBeLessThan(tol);
  expect(Math.abs(got.std - want.std), `${what} std`).toBeLessThan(tol);
  expect(Math.abs(got.min - want.min), `${what} min`).toBeLessThan(tol * 10);
  expect(Math.abs(got.max - want.max), `${what} max`).toBeLessThan(tol * 10);
}

/** Checks the recorded outputs (full logits, losses, stats, greedy tokens) of one adapter golden. */
export function checkOutputs(base: string, model: PeftModel, outputs: Record<string, Record<string, unknown>>, full = true) {
  const isT5 = base !== 'tiny-gpt2';
  const eos = isT5 ? 1 : 999;
  const pad = isT5 ? 0 : 999;
  for (const [name, o] of Object.entries(outputs)) {
    if (name === 'greedy_single') {
      const r = generate(model, { inputIds: o.input_ids as number[][] }, { strategy: 'greedy', maxNewTokens: 8, eosTokenId: eos, padTokenId: pad });
      expect(r.sequences, `${base} greedy`).toEqual(o.sequences);
      continue;
    }
    const out = tf.tidy(() => {
      const res = model.forward({
        inputIds: t2(o.input_ids as number[][]),
        attentionMask: orNull(o.attention_mask),
        decoderInputIds: orNull(o.decoder_input_ids),
        labels: orNull(o.labels),
      });
      return { logits: res.logits, loss: res.loss };
    });
    const logits = out.logits.dataSync();
    if (o.logits && full) expectClose(base, logits, flat(o.logits), `${base} ${name} logits`);
    const st = (o.logits_stats ?? o.logits_stats_all) as Stats | undefined;
    if (st) {
      expect(out.logits.shape, `${base} ${name} logits shape`).toEqual(st.shape);
      expectStats(stats(logits, out.logits.shape), st, `${base} ${name} logits`, base === 'tiny-t5-gated' ? 5e-4 : 1e-4);
    }
    if (o.loss !== undefined) {
      const l = out.loss!.dataSync()[0]!;
      expect(Math.abs(l - (o.loss as number)) / Math.abs(o.loss as number), `${base} ${name} loss`).toBeLessThan(1e-5);
    }
    if (o.logits_last_valid_token) {
      const mask = o.attention_mask as number[][];
      const [B, T, V] = out.logits.shape as [number, number, number];
      const want = o.logits_last_valid_token as number[][];
      for (let b = 0; b < B; b++) {
        const t = mask[b]!.lastIndexOf(1) + (T - mask[b]!.length);
        expectClose(base, logits.subarray((b * T + t) * V, (b * T + t + 1) * V), want[b]!, `${base} ${name} last valid ${b}`);
      }
    }
    tf.dispose([out.logits, out.loss!].filter(Boolean));
  }
}
