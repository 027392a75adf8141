/**
 * Prompt tuning's identity: initialised from a text (peft's TEXT init), the virtual tokens ARE that
 * text's embeddings, so the adapted model must give exactly what the base model gives with the text
 * prepended to the input (GPT-2: same logits at every position and the same loss; T5: the text
 * prepended on the encoder side). This checks the prepending, the mask, the -100 labels and the
 * positions against the base model for random inputs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { getPlugin } from '../../src/peft/plugin.ts';
import { PeftModel } from '../../src/peft/peftModel.ts';
import type { AttachContext } from '../../src/peft/plugin.ts';
import { maxAbsDiff } from '../helpers/golden.ts';
import { baseModel, NEEDS_TINY_BASES } from './promptGolden.ts';
import { t2 } from '../helpers/intTensor.ts';

const bases: Record<string, LanguageModel> = {};
beforeAll(async () => {
  await initBackend();
  bases.gpt2 = baseModel('tiny-gpt2');
  bases.t5 = baseModel('tiny-t5');
});
afterAll(() => Object.values(bases).forEach((b) => b.dispose()));

/** Prompt tuning initialised from `text` through an in-memory tokenizer that returns `ids`. */
function fromText(base: LanguageModel, ids: number[]): PeftModel {
  const plugin = getPlugin('prompt_tuning');
  const cfg = plugin.parseConfig(
    { num_virtual_tokens: ids.length, prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'some text', tokenizer_name_or_path: 'in-memory' },
    base,
    'test',
  );
  const ctx: AttachContext = { seed: 0, tokenizer: { encode: () => ids } };
  return new PeftModel(base, plugin, plugin.attach(base, cfg, ctx));
}

const ids = (max: number, min: number, len: number) => fc.array(fc.integer({ min: 0, max }), { minLength: min, maxLength: len });

/** Rows of equal length with right padding: tokens, mask, and labels (-100 on padding). */
const paddedBatch = (maxT: number) =>
  fc
    .record({ B: fc.integer({ min: 1, max: 3 }), T: fc.integer({ min: 2, max: maxT }) })
    .chain(({ B, T }) =>
      fc.array(fc.record({ toks: fc.array(fc.integer({ min: 2, max: 998 }), { minLength: T, maxLength: T }), len: fc.integer({ min: 1, max: T }) }), {
        minLength: B,
        maxLength: B,
      }),
    )
    .map((rows) => ({
      ids: rows.map((r) => r.toks),
      mask: rows.map((r) => r.toks.map((_, i) => (i < r.len ? 1 : 0))),
      labels: rows.map((r) => r.toks.map((t, i) => (i < r.len ? t : -100))),
    }));

describe('prompt tuning from a text equals the base model with that text prepended', NEEDS_TINY_BASES, () => {
  it('GPT-2: logits [B, nvt+T, V] and loss', () => {
    fc.assert(
      fc.property(ids(998, 1, 5), paddedBatch(7), (z, x) => {
        const model = fromText(bases.gpt2!, z);
        const pre = (rows: number[][], v: (t: number) => number) => rows.map((r) => [...z.map(v), ...r]);
        const [a, b] = tf.tidy(() => {
          const got = model.forward({ inputIds: t2(x.ids), attentionMask: t2(x.mask), labels: t2(x.labels) });
          const want = bases.gpt2!.forward({
            inputIds: t2(pre(x.ids, (t) => t)),
            attentionMask: t2(pre(x.mask, () => 1)),
            labels: t2(pre(x.labels, () => -100)),
          });
          return [tf.concat([got.logits.flatten(), got.loss!.reshape([1])]), tf.concat([want.logits.flatten(), want.loss!.reshape([1])])];
        });
        expect(maxAbsDiff(a!.dataSync(), b!.dataSync())).toBeLessThan(1e-5);
        tf.dispose([a!, b!]);
        model.adapter.dispose();
      }),
      { numRuns: 12, seed: 4242 },
    );
  });

  it('T5: the text goes before the encoder input; decoder logits and loss are equal', () => {
    fc.assert(
      fc.property(ids(998, 1, 5), paddedBatch(6), ids(998, 1, 4), (z, x, y) => {
        const model = fromText(bases.t5!, z);
        const B = x.ids.length;
        const dec = Array.from({ length: B }, () => [0, ...y]);
        const labels = Array.from({ length: B }, () => [...y, 1]);
        const [a, b] = tf.tidy(() => {
          const got = model.forward({ inputIds: t2(x.ids), attentionMask: t2(x.mask), decoderInputIds: t2(dec) });
          const want = bases.t5!.forward({
            inputIds: t2(x.ids.map((r) => [...z, ...r])),
            attentionMask: t2(x.mask.map((r) => [...z.map(() => 1), ...r])),
            decoderInputIds: t2(dec),
          });
          const gotLoss = model.forward({ inputIds: t2(x.ids), attentionMask: t2(x.mask), labels: t2(labels) }).loss!;
          const wantLoss = bases.t5!.forward({
            inputIds: t2(x.ids.map((r) => [...z, ...r])),
            attentionMask: t2(x.mask.map((r) => [...z.map(() => 1), ...r])),
            labels: t2(labels),
          }).loss!;
          return [tf.concat([got.logits.flatten(), gotLoss.reshape([1])]), tf.concat([want.logits.flatten(), wantLoss.reshape([1])])];
        });
        expect(maxAbsDiff(a!.dataSync(), b!.dataSync())).toBeLessThan(1e-5);
        tf.dispose([a!, b!]);
        model.adapter.dispose();
      }),
      { numRuns: 12, seed: 4243 },
    );
  });
});
