import { describe, expect, it } from 'vitest';
import { evaluateOutputs, meanWithCi, scoreQuality } from '../../src/experiment/evaluate.ts';
import { compareOnMainMetric, isSignificantlyBetter, pairedBootstrapMeans } from '../../src/experiment/significance.ts';
import { textType } from '../../src/experiment/textTypes.ts';
import { goldenPath, readGolden } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

interface Golden {
  cases: { id: string; hypotheses: string[]; references: string[][]; bootstrap?: { label: string; expected: { score: number; mean: number; ci: number } }[] }[];
  paired_tests: {
    id: string;
    test_type: string;
    systems: { name: string; hypotheses: string[] }[];
    references: string[][];
    results: Record<string, { per_system: { system: string; score: number; p_value: number | null }[] }>;
  }[];
}

const goldenFile = goldenPath('metrics', 'bleu_chrf.json');
const golden = goldenFile ? readGolden<Golden>('metrics', 'bleu_chrf.json') : undefined;

describe('experiment scoring against sacrebleu 2.6 (golden)', needsShared(goldenFile), () => {
  it("BLEU, chrF, chrF++ intervals are percentile intervals over sacrebleu's --confidence resamples (its width, 2 × the ±)", () => {
    const c = golden!.cases.find((x) => x.id === 'pub-c-en-news-sysA')!;
    const q = scoreQuality('translation', c.hypotheses, c.references[0]!, 1000);
    for (const [label, key] of [
      ['bleu-13a', 'bleu'],
      ['chrf', 'chrf'],
      ['chrf++', 'chrfpp'],
    ] as const) {
      const want = c.bootstrap!.find((b) => b.label === label)!.expected;
      expect(q[key].score).toBeCloseTo(want.score, 9);
      expect(q[key].high - q[key].low).toBeCloseTo(2 * want.ci, 5);
      expect(q[key].low).toBeLessThanOrEqual(want.mean);
      expect(q[key].high).toBeGreaterThanOrEqual(want.mean);
    }
  });

  it('the paired test on chrF gives sacrebleu --paired-bs p-values', () => {
    const t = golden!.paired_tests.find((x) => x.test_type === 'bs')!;
    const refs = t.references[0]!;
    const want = t.results.chrF2!.per_system;
    const [a, ...others] = t.systems;
    const mainOf = (h: string[]) => scoreQuality('translation', h, refs, 1000).chrf;
    for (const sys of others) {
      const s = compareOnMainMetric(
        'translation',
        { name: a!.name, hypotheses: a!.hypotheses, main: mainOf(a!.hypotheses) },
        { name: sys.name, hypotheses: sys.hypotheses, main: mainOf(sys.hypotheses) },
        refs,
      );
      const w = want.find((x) => x.system === sys.name)!;
      expect(s.p_value).toBeCloseTo(w.p_value!, 12);
      expect(s.delta).toBeCloseTo(w.score - want[0]!.score, 9);
      expect(s.metric).toBe('chrf');
    }
  });
});

describe('significance and intervals', () => {
  const refs = ['the cat sat on the mat', 'a dog barked at night', 'rain fell all day long', 'we went home early', 'she reads a book'];
  const good = ['the cat sat on the mat', 'a dog barked at night', 'rain fell all day', 'we went home early', 'she reads a book'];
  const bad = ['mat', 'dog', 'day', 'home', 'book'];

  it('a system identical to the baseline is not significantly different (p = 1)', () => {
    const m = scoreQuality('summarization', good, refs, 200).rougeL;
    const s = compareOnMainMetric('summarization', { name: 'a', hypotheses: good, main: m }, { name: 'b', hypotheses: [...good], main: m }, refs, 200);
    expect(s).toEqual({ against: 'a', metric: 'rougeL', delta: 0, p_value: 1, ci_separated: false });
    expect(isSignificantlyBetter(s)).toBe(false);
  });

  it('a consistently better system is significant on ROUGE-L; the test is symmetric', () => {
    const mb = scoreQuality('summarization', bad, refs, 200).rougeL;
    const mg = scoreQuality('summarization', good, refs, 200).rougeL;
    const s = compareOnMainMetric('summarization', { name: 'bad', hypotheses: bad, main: mb }, { name: 'good', hypotheses: good, main: mg }, refs, 200);
    expect(s.delta).toBeGreaterThan(50);
    expect(s.p_value).toBeLessThan(0.05);
    expect(isSignificantlyBetter(s)).toBe(true);
    const a = [1, 5, 2, 8, 3, 9, 4];
    const b = [2, 5, 9, 1, 3, 2, 7];
    expect(pairedBootstrapMeans(a, b, 300)).toBe(pairedBootstrapMeans(b, a, 300));
    // A constant shift is as consistent as a difference gets: every resample shows it.
    expect(
      pairedBootstrapMeans(
        a,
        a.map((x) => x + 1),
        300,
      ),
    ).toBe(1 / 301);
  });

  it('a skewed mean near 0 gets a percentile interval from 0, where mean ± half-width would go below it', () => {
    // One output in 200 scores; a resample holds it 0–3 times, so its mean ranges over 0–3.
    const values = Array.from({ length: 200 }, (_, i) => (i === 0 ? 200 : 0));
    const m = meanWithCi(values, 1000);
    expect(m.score).toBe(1);
    expect(m.low).toBe(0);
    expect(m.high).toBeGreaterThan(m.score);
    // The symmetric form of the same interval would start below 0.
    expect(m.score - (m.high - m.low) / 2).toBeLessThan(0);
  });

  it('mean intervals collapse for constant values and contain the mean otherwise', () => {
    expect(meanWithCi([3, 3, 3, 3], 100)).toEqual({ score: 3, low: 3, high: 3 });
    const m = meanWithCi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1000);
    expect(m.score).toBe(5.5);
    expect(m.low).toBeLessThan(5.5);
    expect(m.high).toBeGreaterThan(5.5);
  });
});

describe('evaluateOutputs', () => {
  const rows = [
    { id: '1', domain: 'tatoeba-test', source: 'I see you.', reference: 'Я вижу тебя.', prediction: 'Я вижу тебя.' },
    { id: '2', domain: 'wmt-newstest2019', source: 'The vote was held.', reference: 'Голосование состоялось.', prediction: 'Голосование было.' },
    { id: '3', domain: 'wmt-newstest2020', source: 'He left in 2020.', reference: 'Он уехал в 2020 году.', prediction: 'He left в 2021.', truncated: true },
  ];
  const e = evaluateOutputs('translation', rows, { bootstrapSamples: 100, examplesShown: 2 });

  it('scores Russian with ROUGE (Unicode tokenizer) and chrF as the main metric', () => {
    expect(e.main_metric).toBe('chrf');
    expect(e.quality.rouge1.score).toBeGreaterThan(30);
    expect(e.quality.chrf.score).toBeGreaterThan(e.quality.bleu.score);
  });

  it('groups domains into text types and keeps the first examples', () => {
    expect(e.per_domain.map((d) => [d.domain, d.examples])).toEqual([
      ['everyday (Tatoeba)', 1],
      ['news (WMT)', 2],
    ]);
    expect(e.examples.map((x) => x.id)).toEqual(['1', '2']);
    expect(e.errors.truncated).toBe(1);
    expect(e.errors.untranslated_latin).toEqual({ words: 2, outputs: 1 });
    expect(e.errors.numbers_not_in_source.numbers).toBe(1);
    expect(textType('ntrex128')).toBe('news (NTREX)');
    expect(textType('something-else')).toBe('something-else');
  });
});
