import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/tf.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { loadPretrained } from '../../src/models/hf/loadPretrained.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { generate } from '../../src/generate/generate.ts';
import type { StepTrace } from '../../src/generate/tokenByToken.ts';
import { flat, goldenPath, maxAbsDiff, readGolden, stats, type Stats } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

interface ForwardCase {
  name: string;
  input_ids: number[][];
  attention_mask: number[][] | null;
  position_ids: number[][] | null;
  compare_mask: number[][] | null;
  logits: unknown;
  logits_stats: Stats;
  hidden_states_stats: Stats[];
}
interface GenCase {
  prompt: string;
  mode: string;
  input_ids: number[][];
  attention_mask?: number[][];
  generate_kwargs: Record<string, number | boolean>;
  sequences: number[][];
  sequences_scores?: number[];
  steps?: { token: number[]; score: number[]; margin_to_second: number[] }[];
}
interface Golden {
  forward: ForwardCase[];
  loss: { name: string; input_ids: number[][]; attention_mask: number[][] | null; labels: number[][]; loss: number }[];
  generate: GenCase[];
}

const dir = goldenPath('models', 'tiny-gpt2');

describe('tiny-gpt2 matches transformers 4.39', needsShared(dir), () => {
  let model: LanguageModel;
  let golden: Golden;
  beforeAll(async () => {
    await initBackend();
    model = loadPretrained(dir!);
    golden = readGolden<Golden>('models', 'tiny-gpt2', 'golden.json');
  });

  it('loads every weight as stored', () => {
    expect(model.numParameters()).toBe(1000 * 64 + 128 * 64 + 2 * (4 * 64 + 64 * 192 + 192 + 64 * 64 + 64 + 64 * 256 + 256 + 256 * 64 + 64) + 128);
  });

  for (const name of ['plain', 'right_pad', 'left_pad_default_positions', 'left_pad_mask_positions']) {
    it(`forward: ${name}`, () => {
      const c = golden.forward.find((f) => f.name === name)!;
      const B = c.input_ids.length,
        T = c.input_ids[0]!.length;
      const out = tf.tidy(() => {
        const o = model.forward({
          inputIds: tf.tensor2d(c.input_ids, [B, T], 'int32'),
          attentionMask: c.attention_mask ? tf.tensor2d(c.attention_mask, [B, T], 'int32') : undefined,
          positionIds: c.position_ids ? tf.tensor2d(c.position_ids, [B, T], 'int32') : undefined,
          outputHiddenStates: true,
        });
        return [o.logits, ...o.hiddenStates!];
      });
      const [logits, ...hidden] = out as tf.Tensor[];
      const mask = c.compare_mask?.flat();
      const got = logits!.dataSync();
      const want = flat(c.logits);
      const V = 1000;
      let worst = 0;
      for (let r = 0; r < B * T; r++) {
        if (mask && mask[r] !== 1) continue;
        worst = Math.max(worst, maxAbsDiff(got.subarray(r * V, (r + 1) * V), want.slice(r * V, (r + 1) * V)));
      }
      expect(worst).toBeLessThan(1e-4);
      const s = stats(got, logits!.shape, mask);
      expect(s.count).toBe(c.logits_stats.count);
      expect(s.sum).toBeCloseTo(c.logits_stats.sum, 2);
      expect(hidden.length).toBe(c.hidden_states_stats.length);
      hidden.forEach((h, i) => {
        const hs = stats(h.dataSync(), h.shape, mask);
        const g = c.hidden_states_stats[i]!;
        expect(Math.abs(hs.mean - g.mean)).toBeLessThan(1e-5);
        expect(Math.abs(hs.std - g.std)).toBeLessThan(1e-5);
        expect(Math.abs(hs.max - g.max)).toBeLessThan(1e-4);
      });
      tf.dispose(out);
    });
  }

  it('losses (labels -100 ignored, shifted inside)', () => {
    for (const c of golden.loss) {
      const B = c.input_ids.length,
        T = c.input_ids[0]!.length;
      const loss = tf.tidy(
        () =>
          model
            .forward({
              inputIds: tf.tensor2d(c.input_ids, [B, T], 'int32'),
              attentionMask: c.attention_mask ? tf.tensor2d(c.attention_mask, [B, T], 'int32') : undefined,
              labels: tf.tensor2d(c.labels, [B, T], 'int32'),
            })
            .loss!.dataSync()[0]!,
      );
      expect(Math.abs(loss - c.loss) / Math.abs(c.loss)).toBeLessThan(1e-5);
    }
  });

  it('every generation mode gives the same tokens and scores', () => {
    for (const c of golden.generate) {
      const k = c.generate_kwargs;
      const trace: StepTrace[] = [];
      const r = generate(
        model,
        { inputIds: c.input_ids, attentionMask: c.attention_mask },
        {
          strategy: (k.num_beams as number) > 1 ? 'beam' : 'greedy',
          maxNewTokens: k.max_new_tokens as number,
          numBeams: k.num_beams as number | undefined,
          numReturnSequences: k.num_return_sequences as number | undefined,
          noRepeatNgramSize: k.no_repeat_ngram_size as number | undefined,
          lengthPenalty: k.length_penalty as number | undefined,
          earlyStopping: k.early_stopping as boolean | undefined,
          eosTokenId: (k.eos_token_id as number | undefined) ?? 999,
          padTokenId: (k.pad_token_id as number | undefined) ?? 999,
        },
        trace,
      );
      expect(r.sequences, `${c.prompt}/${c.mode}`).toEqual(c.sequences);
      if (c.sequences_scores) {
        expect(maxAbsDiff(r.sequencesScores!, c.sequences_scores), `${c.prompt}/${c.mode}`).toBeLessThan(1e-4);
      }
      if (c.steps) {
        c.steps.forEach((s, i) => {
          expect(trace[i]!.token).toEqual(s.token);
          expect(maxAbsDiff(trace[i]!.score, s.score)).toBeLessThan(1e-4);
        });
      }
    }
  });
});
