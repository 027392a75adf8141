import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyTopK, applyTopP, banRepeatedNgrams, forbidEosBefore, logSoftmax, penalizeRepetitions, softmax } from '../../src/generate/logitsProcessors.ts';

describe('logits processors (transformers 4.39 semantics)', () => {
  it('top-k keeps ties with the k-th score', () => {
    const s = Float32Array.from([1, 3, 3, 2, 0]);
    applyTopK(s, 2);
    expect(Array.from(s)).toEqual([-Infinity, 3, 3, -Infinity, -Infinity]);
  });

  it('top-p removes the tail whose cumulative probability is <= 1 - p and always keeps the best token', () => {
    const logits = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    const a = Float32Array.from(logits);
    applyTopP(a, 0.8); // ascending cum: 0.05, 0.20, 0.50, 1.0 → drop those <= 0.2
    expect(Array.from(a.map((x) => (x === -Infinity ? 0 : 1)))).toEqual([1, 1, 0, 0]);
    const b = Float32Array.from(logits);
    applyTopP(b, 0.01);
    expect(Array.from(b.map((x) => (x === -Infinity ? 0 : 1)))).toEqual([1, 0, 0, 0]);
  });

  it('no-repeat-ngram bans exactly the tokens completing a seen n-gram', () => {
    const s = new Float32Array(10);
    banRepeatedNgrams(s, [1, 2, 3, 1, 2], 3); // prefix [1,2] was followed by 3
    expect(Array.from(s.keys()).filter((i) => s[i] === -Infinity)).toEqual([3]);
    const t = new Float32Array(10);
    banRepeatedNgrams(t, [4], 2); // too short to ban anything
    expect(t.every((x) => x === 0)).toBe(true);
  });

  it('repetition penalty divides the seen tokens’ positive scores and multiplies their negative ones, once per id', () => {
    const s = Float32Array.from([2, -1, 0.5, -3, 4, 0]);
    penalizeRepetitions(s, [0, 1, 1, 3, 0, 5, 0], 2); // ids 0, 1, 3 and 5 seen; 0 three times, 1 twice
    expect(Array.from(s)).toEqual([1, -2, 0.5, -6, 4, 0]);
    const boost = Float32Array.from([1, -4, 3]);
    penalizeRepetitions(boost, [0, 1], 0.5); // below 1 it favours repeats
    expect(Array.from(boost)).toEqual([2, -2, 3]);
    const ctrl = Float32Array.from([3, -2.5, 1]);
    penalizeRepetitions(ctrl, [1, 0], 1.2);
    expect(ctrl[0]).toBeCloseTo(2.5, 6); // 3 / 1.2
    expect(ctrl[1]).toBeCloseTo(-3, 6); // -2.5 · 1.2
    expect(ctrl[2]).toBe(1);
  });

  it('repetition penalty 1 is the identity, and a banned token stays banned', () => {
    const s = Float32Array.from([0.3, -7, 2.5, -Infinity]);
    penalizeRepetitions(s, [0, 1, 2, 3], 1);
    expect(Array.from(s)).toEqual([0.3, -7, 2.5, -Infinity].map(Math.fround));
    penalizeRepetitions(s, [3], 1.2);
    expect(s[3]).toBe(-Infinity);
  });

  it('min_new_tokens forbids EOS until enough tokens were generated', () => {
    const s = new Float32Array(5);
    forbidEosBefore(s, 1, 2, [4]);
    expect(s[4]).toBe(-Infinity);
    const t = new Float32Array(5);
    forbidEosBefore(t, 2, 2, [4]);
    expect(t[4]).toBe(0);
  });

  it('softmax and log-softmax agree and normalise (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 64 }), (xs) => {
        const p = softmax(xs);
        const lp = logSoftmax(xs);
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
        for (let i = 0; i < xs.length; i++) expect(Math.abs(Math.exp(lp[i]!) - p[i]!)).toBeLessThan(1e-5);
      }),
    );
  });
});
