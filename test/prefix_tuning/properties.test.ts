/**
 * Prefix tuning's identity: a prefix table holding the keys/values the base model itself computes
 * for a real token sequence z makes the adapted model on x equal the base model on z·x (GPT-2:
 * attention over the prefix, positions nvt..nvt+T−1, mask; T5: the decoder self-attention prefix
 * with relative positions, while the cross-attention stays on the encoder output).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf, type Tensor } from '../../src/engine/tf.ts';
import type { LayerKV } from '../../src/models/outputs.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { maxAbsDiff } from '../helpers/golden.ts';
import { baseModel, NEEDS_TINY_BASES } from '../prompt_tuning/promptGolden.ts';
import { t2 } from '../helpers/intTensor.ts';

const bases: Record<string, LanguageModel> = {};
beforeAll(async () => {
  await initBackend();
  bases.gpt2 = baseModel('tiny-gpt2');
  bases.t5 = baseModel('tiny-t5');
});
afterAll(() => Object.values(bases).forEach((b) => b.dispose()));

/**
 * The flat peft table [nvt, entries·C] whose entry k is `entries[k]` ([1, H, nvt, D] cache tensors,
 * laid out as peft's view [nvt, 2L, H, D]).
 */
function tableFrom(entries: Tensor[]): Tensor {
  return tf.concat(
    entries.map((e) => {
      const [, H, n, D] = e.shape as number[];
      return e
        .reshape([H!, n!, D!])
        .transpose([1, 0, 2])
        .reshape([n!, H! * D!]);
    }),
    1,
  );
}

function withTable(model: PeftModel, table: Tensor): void {
  model.adapter.loadStateDict(new Map([['prompt_embeddings', table]]), 'test');
}

describe("a prefix holding the base model's own keys/values for z equals the base model on z·x", NEEDS_TINY_BASES, () => {
  it('GPT-2: logits and loss of the real tokens', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 998 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (z, B, T, seed) => {
          const base = bases.gpt2!;
          const model = getPeftModel(base, 'prefix_tuning', { num_virtual_tokens: z.length });
          const rnd = new Array(B * T).fill(0).map((_, i) => 2 + ((seed + i * 7919) % 997));
          const x = Array.from({ length: B }, (_, b) => rnd.slice(b * T, (b + 1) * T));
          const mask = x.map((r, b) => r.map((_, i) => (i < T - (b % 2) ? 1 : 0)));
          // The first real token has no prediction in the prefix model: leave it out of both losses.
          const labels = x.map((r, b) => r.map((t, i) => (i === 0 || mask[b]![i] === 0 ? -100 : t)));
          const past = tf.tidy(() => base.forward({ inputIds: t2([z]), useCache: true }).pastKeyValues!);
          withTable(model, tableFrom(past.flatMap((kv: LayerKV) => [kv.key, kv.value])));
          const [a, b] = tf.tidy(() => {
            const got = model.forward({ inputIds: t2(x), attentionMask: t2(mask), labels: t2(labels) });
            const want = base.forward({
              inputIds: t2(x.map((r) => [...z, ...r])),
              attentionMask: t2(mask.map((r) => [...z.map(() => 1), ...r])),
              labels: t2(labels.map((r) => [...z.map(() => -100), ...r])),
            });
            const V = base.vocabSize;
            const wantLogits = want.logits.slice([0, z.length, 0], [B, T, V]);
            return [tf.concat([got.logits.flatten(), got.loss!.reshape([1])]), tf.concat([wantLogits.flatten(), want.loss!.reshape([1])])];
          });
          expect(maxAbsDiff(a!.dataSync(), b!.dataSync())).toBeLessThan(1e-4);
          tf.dispose([a!, b!, ...past.flatMap((kv) => [kv.key, kv.value])]);
          model.adapter.dispose();
        },
      ),
      { numRuns: 10, seed: 777 },
    );
  });

  it('T5: decoder logits with the prefix equal the base decoder on z·y (cross-attention unchanged)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 998 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 2, max: 998 }), { minLength: 5, maxLength: 8 }),
        fc.array(fc.integer({ min: 2, max: 998 }), { minLength: 1, maxLength: 4 }),
        (z, x, y) => {
          const base = bases.t5!;
          // num_layers 4 (twice the decoder's 2) gives each decoder layer its own self-attention
          // entries: layer i reads entries 4i..4i+3 of the 2·num_layers = 8 (peft's duplication).
          const model = getPeftModel(base, 'prefix_tuning', { num_virtual_tokens: z.length, num_layers: 4 });
          const enc = { inputIds: t2([x]), attentionMask: t2([x.map(() => 1)]) };
          const past = tf.tidy(() => base.forward({ ...enc, decoderInputIds: t2([z]), useCache: true }).pastKeyValues!);
          const noise = (e: Tensor) => tf.randomNormal(e.shape, 0, 1, 'float32', 5);
          const [l0, l1] = past as [LayerKV, LayerKV];
          const entries = [l0.key, l0.value, noise(l0.key), noise(l0.key), l1.key, l1.value, noise(l0.key), noise(l0.key)];
          withTable(model, tableFrom(entries));
          const [a, b] = tf.tidy(() => {
            const got = model.forward({ ...enc, decoderInputIds: t2([[0, ...y]]) }).logits;
            const want = base.forward({ ...enc, decoderInputIds: t2([[...z, 0, ...y]]) }).logits;
            return [got, want.slice([0, z.length, 0], got.shape as [number, number, number])];
          });
          expect(maxAbsDiff(a!.dataSync(), b!.dataSync())).toBeLessThan(1e-4);
          tf.dispose([a!, b!, ...entries, ...past.flatMap((kv) => [kv.crossKey!, kv.crossValue!])]);
          model.adapter.dispose();
        },
      ),
      { numRuns: 10, seed: 778 },
    );
  });
});

describe('T5 cross-attention prefix (transformers 4.39 semantics)', NEEDS_TINY_BASES, () => {
  it('is ignored unless the encoder length equals num_virtual_tokens, where it replaces the encoder keys/values', () => {
    const base = bases.t5!;
    const model = getPeftModel(base, 'prefix_tuning', { num_virtual_tokens: 3 }, { seed: 1 });
    const logits = (x: number[]) =>
      tf.tidy(() =>
        model
          .forward({ inputIds: t2([x]), decoderInputIds: t2([[0, 5]]) })
          .logits.dataSync()
          .slice(),
      );
    const table = model.adapter.stateDict().get('prompt_embeddings')!;
    // Entries (self k, self v, cross k, cross v) each take C = 64 columns; rescale only the cross ones.
    const crossScaled = tf.tidy(() => {
      const [n, W] = table.shape as [number, number];
      const cols = tf
        .concat([tf.ones([1, 128]), tf.fill([1, 128], 3)], 1)
        .tile([1, W / 256])
        .reshape([1, W]);
      return tf.mul(table, tf.tile(cols, [n, 1]));
    });
    const long = [7, 8, 9, 10, 1];
    const short = [7, 8, 1];
    const before = { long: logits(long), short: logits(short) };
    withTable(model, crossScaled);
    expect(maxAbsDiff(logits(long), before.long)).toBe(0);
    expect(maxAbsDiff(logits(short), before.short)).toBeGreaterThan(1e-3);
    tf.dispose([table, crossScaled]);
    model.adapter.dispose();
  });
});
