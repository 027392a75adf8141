import { describe, expect, it } from 'vitest';
import { porterStem } from '../../src/metrics/porterStemmer.ts';
import { rougeScorer, type RougeScore } from '../../src/metrics/rouge.ts';
import { rougeBootstrapAggregate } from '../../src/metrics/rougeBootstrap.ts';
import { defaultRougeTokenizer } from '../../src/metrics/rougeTokenizer.ts';
import { expectClose, metricsGoldenPath, readMetricsGolden, type RougeGolden, type RougeTriple } from './golden.ts';
import { needsShared } from '../helpers/skip.ts';

// Every check of ../shared/golden/metrics/rouge.json (rouge-score 0.1.2, nltk 3.8 Porter), to 1e-9.

const available = metricsGoldenPath('rouge.json') !== undefined;
const golden = available ? readMetricsGolden<RougeGolden>('rouge.json') : undefined;

function expectTriple(actual: RougeScore, expected: RougeTriple, what: string): void {
  expectClose(actual.precision, expected.precision, `${what} precision`);
  expectClose(actual.recall, expected.recall, `${what} recall`);
  expectClose(actual.fmeasure, expected.fmeasure, `${what} fmeasure`);
}

describe('rouge-score 0.1.2 goldens', needsShared(metricsGoldenPath('rouge.json')), () => {
  const cases = golden?.cases ?? [];

  it('has score, score_multi, aggregate and stemmer vectors', () => {
    expect(cases.some((c) => c.kind === 'score')).toBe(true);
    expect(cases.some((c) => c.kind === 'score_multi')).toBe(true);
    expect(golden!.aggregate.length).toBeGreaterThan(0);
    expect(golden!.stemmer_vectors.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    for (const check of c.checks) {
      expect(check.options.tokenizer).toBe('default');
      expect(check.options.split_summaries).toBe(false);
      const stem = check.options.use_stemmer;
      const scorer = rougeScorer({ useStemmer: stem });
      const what = `${c.id} stem=${stem}`;
      if (c.kind === 'score') {
        const got = scorer.score(c.target!, c.prediction);
        for (const [type, exp] of Object.entries(check.expected)) expectTriple(got[type]!, exp, `${what} ${type}`);
        if (check.tokens) {
          const tok = defaultRougeTokenizer(stem);
          expect(tok.tokenize(c.target!), `${what} target tokens`).toEqual(check.tokens.target);
          expect(tok.tokenize(c.prediction), `${what} prediction tokens`).toEqual(check.tokens.prediction);
        }
      } else {
        const got = scorer.scoreMulti(c.targets!, c.prediction);
        for (const [type, exp] of Object.entries(check.expected)) expectTriple(got[type]!, exp, `${what} ${type}`);
        check.per_target?.forEach((perTarget, i) => {
          const s = scorer.score(c.targets![i]!, c.prediction);
          for (const [type, exp] of Object.entries(perTarget)) expectTriple(s[type]!, exp, `${what} target ${i} ${type}`);
        });
        for (const [type, idx] of Object.entries(check.selected_target_index ?? {}))
          expect(got[type], `${what} ${type} selected target`).toEqual(scorer.score(c.targets![idx]!, c.prediction)[type]);
      }
    }
  });

  it('Porter stemmer vectors (nltk 3.8 NLTK_EXTENSIONS, through the rouge tokenizer)', () => {
    const plain = defaultRougeTokenizer(false);
    const stemmed = defaultRougeTokenizer(true);
    for (const v of golden!.stemmer_vectors) {
      expect(plain.tokenize(v.input), `${v.input} no stemmer`).toEqual(v.tokens_no_stemmer);
      expect(stemmed.tokenize(v.input), `${v.input} stemmer`).toEqual(v.tokens_stemmer);
    }
    // The stemmer itself, on words long enough for rouge to stem them.
    for (const v of golden!.stemmer_vectors)
      if (v.tokens_no_stemmer.length === 1 && v.tokens_no_stemmer[0]!.length > 3)
        expect(porterStem(v.tokens_no_stemmer[0]!), v.input).toBe(v.tokens_stemmer[0]);
  });

  it.each((golden?.aggregate ?? []).map((a) => [a.id, a] as const))('BootstrapAggregator %s', (_id, a) => {
    const scorer = rougeScorer({ useStemmer: a.use_stemmer });
    const perSegment = a.targets.map((t, i) => scorer.score(t, a.predictions[i]!));
    const agg = rougeBootstrapAggregate(perSegment, {
      nSamples: a.n_samples,
      confidenceInterval: a.confidence_interval,
      seed: a.numpy_global_seed,
      resampleIndices: a.resample_indices,
    });
    for (const [type, exp] of Object.entries(a.expected))
      for (const bound of ['low', 'mid', 'high'] as const) expectTriple(agg[type]![bound], exp[bound], `${a.id} ${type} ${bound}`);
    if (a.resample_indices) {
      // The same numbers come from our own reproduction of numpy's seeded global stream.
      const drawn = rougeBootstrapAggregate(perSegment, { nSamples: a.n_samples, seed: a.numpy_global_seed });
      expect(drawn).toEqual(agg);
    }
  });
});
