import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/random.ts';
import {
  buildSpanCorruptionExamples,
  noiseCounts,
  randomSpansNoiseMask,
  reconstructFromSpans,
  roundHalfEven,
  spanCorrupt,
  t5InputAndTargetLengths,
} from '../../src/pretrain/spanCorruption.ts';

// HF's ids for t5-small: <extra_id_0> = 32099, <extra_id_1> = 32098, …
const SENTINELS = Array.from({ length: 100 }, (_, i) => 32099 - i);
const EOS = 1;

/** Runs of equal values: [value, length][] */
function runs(mask: boolean[]): [boolean, number][] {
  const out: [boolean, number][] = [];
  for (const m of mask) {
    const last = out[out.length - 1];
    if (last && last[0] === m) last[1]++;
    else out.push([m, 1]);
  }
  return out;
}

describe('T5 span corruption (run_t5_mlm_flax semantics)', () => {
  it('rounds as numpy does (half to even)', () => {
    expect([0.5, 1.5, 2.5, 3.5, 21.15, 21.75].map(roundHalfEven)).toEqual([0, 2, 2, 4, 21, 22]);
  });

  it('computes the raw chunk length HF computes for the T5 paper setting', () => {
    // run_t5_mlm_flax with max_seq_length 512 uses 568 raw tokens and 114 target tokens.
    expect(t5InputAndTargetLengths(512)).toEqual({ tokensLength: 568, targetsLength: 114 });
    expect(t5InputAndTargetLengths(128)).toEqual({ tokensLength: 141, targetsLength: 29 });
  });

  it('masks round(15%) of the tokens in round(noise/3) spans, non-noise first and noise last', () => {
    const rng = new Rng(7);
    for (const length of [141, 568, 20, 7]) {
      const { noise, spans } = noiseCounts(length);
      for (let rep = 0; rep < 50; rep++) {
        const mask = randomSpansNoiseMask(length, rng);
        expect(mask).toHaveLength(length);
        expect(mask.filter(Boolean)).toHaveLength(noise);
        const r = runs(mask);
        expect(r).toHaveLength(2 * spans);
        expect(r[0]![0]).toBe(false);
        expect(r[r.length - 1]![0]).toBe(true);
      }
    }
  });

  it('has mean noise-span length 3 and spreads noise over every position', () => {
    const rng = new Rng(3);
    const length = 141;
    const perPosition = new Array<number>(length).fill(0);
    let spanTokens = 0;
    let spanCount = 0;
    const reps = 2000;
    for (let rep = 0; rep < reps; rep++) {
      const mask = randomSpansNoiseMask(length, rng);
      mask.forEach((m, i) => (perPosition[i]! += m ? 1 : 0));
      for (const [m, n] of runs(mask))
        if (m) {
          spanTokens += n;
          spanCount++;
        }
    }
    expect(spanTokens / spanCount).toBe(3); // 21 noise tokens in 7 spans, exactly
    const density = perPosition.reduce((s, x) => s + x, 0) / (reps * length);
    expect(density).toBeCloseTo(21 / 141, 6);
    // Position 0 is never noise (a non-noise span comes first); the rest see noise at a rate near 15%.
    expect(perPosition[0]).toBe(0);
    const middle = perPosition.slice(10, 130).map((c) => c / reps);
    expect(Math.min(...middle)).toBeGreaterThan(0.08);
    expect(Math.max(...middle)).toBeLessThan(0.22);
  });

  it('lays out sentinels as T5: inputs keep non-noise, targets keep noise, same sentinel order', () => {
    const tokens = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    const mask = [false, false, true, true, false, false, false, true, false, true];
    const ex = spanCorrupt(tokens, mask, SENTINELS, EOS);
    expect(ex.input_ids).toEqual([10, 11, 32099, 14, 15, 16, 32098, 18, 32097, EOS]);
    expect(ex.labels).toEqual([32099, 12, 13, 32098, 17, 32097, 19, EOS]);
  });

  it('inputs and targets always reconstruct the original chunk', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 31999 }), { minLength: 2, maxLength: 300 }), fc.integer({ min: 0, max: 2 ** 31 }), (tokens, seed) => {
        const mask = randomSpansNoiseMask(tokens.length, new Rng(seed));
        const { noise, nonNoise, spans } = noiseCounts(tokens.length);
        const ex = spanCorrupt(tokens, mask, SENTINELS, EOS);
        expect(ex.input_ids).toHaveLength(nonNoise + spans + 1);
        expect(ex.labels).toHaveLength(noise + spans + 1);
        expect(ex.input_ids.filter((t) => t >= 32000)).toEqual(SENTINELS.slice(0, spans));
        expect(ex.labels.filter((t) => t >= 32000)).toEqual(SENTINELS.slice(0, spans));
        expect(reconstructFromSpans(ex.input_ids, ex.labels, SENTINELS)).toEqual(tokens);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a corpus stream into fixed-size examples (128 inputs, 29 targets), documents kept in order', () => {
    const stream = Uint16Array.from({ length: 141 * 5 + 60 }, (_, i) => (i % 37 === 36 ? EOS : 100 + (i % 500)));
    const examples = buildSpanCorruptionExamples(stream, { inputsLength: 128, sentinelIds: SENTINELS, eosId: EOS, seed: 1 });
    expect(examples).toHaveLength(5);
    const rebuilt: number[] = [];
    for (const ex of examples) {
      expect(ex.input_ids).toHaveLength(128);
      expect(ex.labels).toHaveLength(29);
      rebuilt.push(...reconstructFromSpans(ex.input_ids, ex.labels, SENTINELS));
    }
    expect(rebuilt).toEqual([...stream.slice(0, 141 * 5)]);
    // Same seed, same examples; another seed, other masks.
    expect(buildSpanCorruptionExamples(stream, { inputsLength: 128, sentinelIds: SENTINELS, eosId: EOS, seed: 1 })).toEqual(examples);
    expect(buildSpanCorruptionExamples(stream, { inputsLength: 128, sentinelIds: SENTINELS, eosId: EOS, seed: 2 })).not.toEqual(examples);
  });
});
