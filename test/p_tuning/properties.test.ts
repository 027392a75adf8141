/**
 * P-tuning is prompt tuning whose table is computed by an encoder: for random encoders (MLP and
 * LSTM, any seed) the model must equal prompt tuning holding the encoder's output, and the saved
 * adapter (only that output, as peft) must reload to identical outputs. The LSTM is checked against
 * a plain-number implementation of torch.nn.LSTM's equations.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { Rng } from '../../src/engine/random.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { loadPeftModel, savePeftModel } from '../../src/peft/format.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { BiLSTM } from '../../plugins/p_tuning/lstm.ts';
import { maxAbsDiff } from '../helpers/golden.ts';
import { baseModel, NEEDS_TINY_BASES } from '../prompt_tuning/promptGolden.ts';
import { t2 } from '../helpers/intTensor.ts';

const bases: Record<string, LanguageModel> = {};
beforeAll(async () => {
  await initBackend();
  // The LSTM checks run without the golden bases.
  if (NEEDS_TINY_BASES.skip) return;
  bases['tiny-gpt2'] = baseModel('tiny-gpt2');
  bases['tiny-t5'] = baseModel('tiny-t5');
});
afterAll(() => Object.values(bases).forEach((b) => b.dispose()));

describe("P-tuning equals prompt tuning with the encoder's output", NEEDS_TINY_BASES, () => {
  it('for random MLP/LSTM encoders on GPT-2 and T5; the saved adapter reloads exactly', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'peft-ptuning-'));
    try {
      fc.assert(
        fc.property(
          fc.constantFrom('tiny-gpt2', 'tiny-t5'),
          fc.constantFrom('MLP', 'LSTM'),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 2, max: 24 }),
          fc.integer({ min: 0, max: 1e6 }),
          (baseName, type, nvt, hidden, seed) => {
            const base = bases[baseName]!;
            const config = { num_virtual_tokens: nvt, encoder_hidden_size: hidden, encoder_reparameterization_type: type };
            const pt = getPeftModel(base, 'p_tuning', config, { seed });
            const table = pt.adapter.stateDict();
            const prompt = getPeftModel(base, 'prompt_tuning', { num_virtual_tokens: nvt }, { seed: 0 });
            prompt.adapter.loadStateDict(table, 'p-tuning output');
            savePeftModel(pt, dir);
            const reloaded = loadPeftModel(base, dir);
            const input = {
              inputIds: t2([
                [3, 14, 15, 92, 65],
                [35, 89, 79, 3, 0],
              ]),
              attentionMask: t2([
                [1, 1, 1, 1, 1],
                [1, 1, 1, 1, 0],
              ]),
              decoderInputIds: base.isEncoderDecoder
                ? t2([
                    [0, 5, 9],
                    [0, 2, 6],
                  ])
                : undefined,
            };
            const [a, b, c] = tf.tidy(() => [pt, prompt, reloaded].map((m) => m.forward(input).logits));
            expect(maxAbsDiff(a!.dataSync(), b!.dataSync())).toBeLessThan(1e-6);
            expect(maxAbsDiff(a!.dataSync(), c!.dataSync())).toBe(0);
            tf.dispose([a!, b!, c!, ...table.values(), ...Object.values(input).filter((t) => t !== undefined)]);
            for (const m of [pt, prompt, reloaded]) m.adapter.dispose();
          },
        ),
        { numRuns: 10, seed: 99 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** torch.nn.LSTM's equations on plain numbers: gates i, f, g, o; c' = f·c + i·g; h' = o·tanh(c'). */
function referenceLstm(x: number[][], p: Map<string, number[]>, h: number, layers: number): number[][] {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  let input = x;
  for (let l = 0; l < layers; l++) {
    const outs = input.map(() => [] as number[]);
    for (const sfx of ['', '_reverse']) {
      const Wih = p.get(`weight_ih_l${l}${sfx}`)!;
      const Whh = p.get(`weight_hh_l${l}${sfx}`)!;
      const b = p.get(`bias_ih_l${l}${sfx}`)!.map((v, i) => v + p.get(`bias_hh_l${l}${sfx}`)![i]!);
      const inSize = input[0]!.length;
      let hs = new Array<number>(h).fill(0);
      let cs = new Array<number>(h).fill(0);
      const order = [...input.keys()];
      if (sfx) order.reverse();
      for (const t of order) {
        const g = b.map((bv, r) => {
          let s = bv;
          for (let k = 0; k < inSize; k++) s += Wih[r * inSize + k]! * input[t]![k]!;
          for (let k = 0; k < h; k++) s += Whh[r * h + k]! * hs[k]!;
          return s;
        });
        cs = cs.map((c, k) => sig(g[h + k]!) * c + sig(g[k]!) * Math.tanh(g[2 * h + k]!));
        hs = cs.map((c, k) => sig(g[3 * h + k]!) * Math.tanh(c));
        outs[t]!.push(...hs);
      }
    }
    input = outs;
  }
  return input;
}

describe('the P-tuning LSTM', () => {
  it('matches torch.nn.LSTM(bidirectional=True) equations for random sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1e6 }),
        (T, inSize, h, layers, seed) => {
          const rng = new Rng(seed);
          const lstm = new BiLSTM(rng, inSize, h, layers, 0);
          const x = Array.from({ length: T }, () => Array.from({ length: inSize }, () => rng.normal()));
          const got = tf.tidy(() => lstm.forward(tf.tensor2d(x), false).dataSync().slice());
          const params = new Map(lstm.namedParameters().map(([n, v]) => [n, Array.from(v.dataSync())]));
          expect([...params.keys()].length).toBe(8 * layers);
          const want = referenceLstm(x, params, h, layers).flat();
          expect(got.length).toBe(T * 2 * h);
          expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
          lstm.dispose();
        },
      ),
      { numRuns: 25, seed: 5 },
    );
  });
});
