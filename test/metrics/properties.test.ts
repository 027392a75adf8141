import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLEU, corpusBleu, sentenceBleu } from '../../src/metrics/bleu.ts';
import { CHRF, corpusChrf, sentenceChrf } from '../../src/metrics/chrf.ts';
import { exactMean, numpyPairwiseSum, pyFixed, ratioToDouble } from '../../src/metrics/pyNumeric.ts';
import { pyRstrip, pySplit } from '../../src/metrics/pythonText.ts';
import { rougeScorer } from '../../src/metrics/rouge.ts';
import { rougeBootstrapAggregate } from '../../src/metrics/rougeBootstrap.ts';
import { toReferenceStreams } from '../../src/metrics/sacreMetric.ts';
import { corpusTer, sentenceTer } from '../../src/metrics/ter.ts';

// Properties every implementation of these metrics must have, on generated text.

const WORDS = [
  'the',
  'cat',
  'sat',
  'on',
  'mat',
  'dog',
  'running',
  'ran',
  'Москва',
  'café',
  '3.14',
  '1,000',
  'e-mail',
  "don't",
  '(hi)',
  '!',
  '.',
  '😀',
  '日本語',
];
const SEPS = [' ', ' ', ' ', '  ', '\t', '\u00a0'];
const word = fc.constantFrom(...WORDS);
const sentence = fc.array(fc.tuple(word, fc.constantFrom(...SEPS)), { minLength: 0, maxLength: 30 }).map((parts) =>
  parts
    .map(([w, s]) => w + s)
    .join('')
    .trim(),
);
// Starts with two words so that every tokenizer keeps at least two tokens: with one, ROUGE-2 has no
// bigram on either side and rouge-score gives F 0, not 1 ("the 😀 . !" tokenizes to "the" alone).
const nonEmpty = fc.array(word, { minLength: 3, maxLength: 30 }).map((ws) => ['the', 'house', ...ws].join(' '));
const corpus = fc.array(fc.tuple(sentence, sentence), { minLength: 1, maxLength: 12 });

const RUNS = { numRuns: 60 };

describe('score ranges', () => {
  it('BLEU, chrF, chrF++ are in [0, 100]; TER >= 0; ROUGE in [0, 1]', () => {
    const rouge = rougeScorer({ tokenizer: 'unicode' });
    fc.assert(
      fc.property(sentence, sentence, (h, r) => {
        for (const v of [sentenceBleu(h, [r]).score, sentenceChrf(h, [r]).score, sentenceChrf(h, [r], { wordOrder: 2 }).score]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(100 + 1e-9);
        }
        expect(sentenceTer(h, [r]).score).toBeGreaterThanOrEqual(0);
        for (const s of Object.values(rouge.score(r, h)))
          for (const x of [s.precision, s.recall, s.fmeasure]) {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(1);
          }
      }),
      RUNS,
    );
  });
});

describe('identical hypothesis and reference', () => {
  it('scores BLEU 100, chrF 100, TER 0 and ROUGE F 1', () => {
    const rouge = rougeScorer({ tokenizer: 'unicode', useStemmer: true });
    fc.assert(
      fc.property(nonEmpty, (s) => {
        expect(sentenceBleu(s, [s]).score).toBeCloseTo(100, 9);
        expect(corpusBleu([s], [[s]]).score).toBeCloseTo(100, 9);
        expect(sentenceChrf(s, [s]).score).toBeCloseTo(100, 9);
        expect(sentenceChrf(s, [s], { wordOrder: 2 }).score).toBeCloseTo(100, 9);
        expect(sentenceTer(s, [s]).score).toBe(0);
        for (const r of Object.values(rouge.score(s, s))) expect(r.fmeasure).toBeCloseTo(1, 12);
      }),
      RUNS,
    );
  });
});

describe('corpus statistics', () => {
  it('corpus BLEU, chrF and TER do not depend on segment order', () => {
    fc.assert(
      fc.property(corpus, fc.integer(), (pairs, seed) => {
        const order = pairs.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        const hyps = pairs.map((p) => p[0]);
        const refs = [pairs.map((p) => p[1])];
        const sh = order.map((i) => hyps[i]!);
        const sr = [order.map((i) => refs[0]![i]!)];
        expect(corpusBleu(sh, sr).score).toBe(corpusBleu(hyps, refs).score);
        expect(corpusChrf(sh, sr).score).toBe(corpusChrf(hyps, refs).score);
        expect(corpusTer(sh, sr).score).toBe(corpusTer(hyps, refs).score);
      }),
      RUNS,
    );
  });

  it('the lowercase option equals lowercasing the input', () => {
    fc.assert(
      fc.property(corpus, (pairs) => {
        const hyps = pairs.map((p) => p[0]);
        const refs = [pairs.map((p) => p[1])];
        const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
        expect(corpusBleu(hyps, refs, { lowercase: true }).score).toBe(corpusBleu(lower(hyps), [lower(refs[0]!)]).score);
      }),
      RUNS,
    );
  });

  it('adding an identical second reference changes neither BLEU nor chrF', () => {
    fc.assert(
      fc.property(corpus, (pairs) => {
        const hyps = pairs.map((p) => p[0]);
        const one = [pairs.map((p) => p[1])];
        const two = [one[0]!, one[0]!];
        expect(corpusBleu(hyps, two).score).toBe(corpusBleu(hyps, one).score);
        expect(corpusChrf(hyps, two).score).toBe(corpusChrf(hyps, one).score);
      }),
      RUNS,
    );
  });

  it('per-segment reference lists and sacrebleu streams are the same input', () => {
    const per = [['a b', 'c d'], ['e f'], ['g h', 'i j', 'k l']];
    expect(toReferenceStreams(per)).toEqual([
      ['a b', 'e f', 'g h'],
      ['c d', null, 'i j'],
      [null, null, 'k l'],
    ]);
    const hyps = ['a b', 'e f', 'x y'];
    const bleu = new BLEU();
    expect(bleu.corpusScore(hyps, toReferenceStreams(per)).signature).toContain('nrefs:var');
  });
});

describe('ROUGE symmetries', () => {
  it('swapping target and prediction swaps precision and recall', () => {
    const rouge = rougeScorer({ types: ['rouge1', 'rouge2', 'rougeL'] });
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        const ab = rouge.score(a, b);
        const ba = rouge.score(b, a);
        for (const t of rouge.types) {
          expect(ab[t]!.precision).toBe(ba[t]!.recall);
          expect(ab[t]!.fmeasure).toBe(ba[t]!.fmeasure);
        }
      }),
      RUNS,
    );
  });

  it('bootstrap bounds are ordered low <= mid <= high and lie within the segment scores', () => {
    const rouge = rougeScorer();
    fc.assert(
      fc.property(corpus, fc.nat(1000), (pairs, seed) => {
        const per = pairs.map(([h, r]) => rouge.score(r, h));
        const agg = rougeBootstrapAggregate(per, { nSamples: 50, seed });
        for (const t of rouge.types) {
          const f = per.map((s) => s[t]!.fmeasure);
          const a = agg[t]!;
          expect(a.low.fmeasure).toBeLessThanOrEqual(a.mid.fmeasure);
          expect(a.mid.fmeasure).toBeLessThanOrEqual(a.high.fmeasure);
          expect(a.low.fmeasure).toBeGreaterThanOrEqual(Math.min(...f) - 1e-12);
          expect(a.high.fmeasure).toBeLessThanOrEqual(Math.max(...f) + 1e-12);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('Python semantics helpers', () => {
  it('pySplit tokens are non-empty and hold no Python whitespace; rstrip is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        for (const t of pySplit(s)) {
          expect(t.length).toBeGreaterThan(0);
          expect(pySplit(t)).toEqual([t]);
        }
        expect(pyRstrip(pyRstrip(s))).toBe(pyRstrip(s));
      }),
      RUNS,
    );
  });

  it('pyFixed rounds to the nearest representable decimal', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 6 }), (x, d) => {
        expect(Math.abs(Number(pyFixed(x, d)) - x)).toBeLessThanOrEqual(0.5 * 10 ** -d * (1 + 1e-9) + 1e-9 * Math.abs(x));
      }),
      RUNS,
    );
    // Ties go to even on the exact binary value, as Python's format does (toFixed rounds them up).
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(0.375, 2)).toBe('0.38');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(-0.0, 2)).toBe('-0.00');
  });

  it('exactMean is the correctly rounded mean', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 }), (xs) => {
        // Integer sums are exact in doubles here, so one division is the correctly rounded mean.
        expect(exactMean(xs)).toBe(xs.reduce((a, b) => a + b, 0) / xs.length);
      }),
      RUNS,
    );
    expect(ratioToDouble(1n, 3n)).toBe(1 / 3);
    expect(exactMean([0.1, 0.2, 0.3])).toBe(0.2);
  });

  it('numpy pairwise summation equals naive summation on integers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 400 }), (xs) => {
        expect(numpyPairwiseSum(xs)).toBe(xs.reduce((a, b) => a + b, 0));
      }),
      RUNS,
    );
  });
});

describe('chrF internals', () => {
  it('chrF counts code points: an emoji is one character', () => {
    const s = sentenceChrf('😀', ['😀']);
    expect(s.statistics.slice(0, 3)).toEqual([1, 1, 1]);
    expect(new CHRF().name).toBe('chrF2');
    expect(new CHRF({ wordOrder: 2 }).name).toBe('chrF2++');
  });
});
