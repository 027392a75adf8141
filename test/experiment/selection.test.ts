import { describe, expect, it } from 'vitest';
import type { Example } from '../../src/data/index.ts';
import { checkDomainWeights, selectExamples } from '../../src/experiment/selection.ts';

const ex = (domain: string, i: number, words = 3): Example => ({
  id: `${domain}-${i}`,
  domain,
  source: Array(words).fill('w').join(' '),
  target: 't',
  task: 'translation',
});
const corpus: Example[] = [
  ...Array.from({ length: 3000 }, (_, i) => ex('tatoeba-test-v2021', i)),
  ...Array.from({ length: 3000 }, (_, i) => ex(i % 2 ? 'wmt-newstest2019' : 'wmt22-general', i)),
  ...Array.from({ length: 100 }, (_, i) => ex('tico19-test', i)),
  ...Array.from({ length: 500 }, (_, i) => ex('other', i)),
];

describe('selecting the examples of an experiment', () => {
  it('without weights or a cap: the first n examples, as before', () => {
    const s = selectExamples(corpus, 10, { seed: 1 });
    expect(s.examples).toEqual(corpus.slice(0, 10));
    expect(s.by_domain).toEqual({ 'tatoeba-test-v2021': 10 });
  });

  it('draws domains by prefix with the given probabilities, and only those domains', () => {
    const s = selectExamples(corpus, 2000, { domains: { tatoeba: 0.7, wmt: 0.3 }, seed: 7 });
    expect(s.examples).toHaveLength(2000);
    expect(s.by_domain.tatoeba! / 2000).toBeGreaterThan(0.66);
    expect(s.by_domain.tatoeba! / 2000).toBeLessThan(0.74);
    expect(s.examples.every((e) => /^(tatoeba|wmt)/.test(e.domain!))).toBe(true);
    expect(s.exhausted).toEqual([]);
    // seeded, and each pool is read in split order
    expect(selectExamples(corpus, 2000, { domains: { tatoeba: 0.7, wmt: 0.3 }, seed: 7 })).toEqual(s);
    expect(
      s.examples
        .filter((e) => e.domain!.startsWith('tatoeba'))
        .slice(0, 3)
        .map((e) => e.id),
    ).toEqual(['tatoeba-test-v2021-0', 'tatoeba-test-v2021-1', 'tatoeba-test-v2021-2']);
  });

  it('keeps drawing from the other domains when one runs out, and says which ran out', () => {
    const s = selectExamples(corpus, 1000, { domains: { tatoeba: 0.5, tico19: 0.5, absent: 1 }, seed: 3 });
    expect(s.examples).toHaveLength(1000);
    expect(s.by_domain.tico19).toBe(100);
    expect(s.exhausted.sort()).toEqual(['absent', 'tico19']);
  });

  it('skips pairs over the token cap instead of cutting them, and counts them', () => {
    const mixed = [ex('tatoeba', 0, 2), ex('tatoeba', 1, 60), ex('tatoeba', 2, 5), ex('tatoeba', 3, 70), ex('tatoeba', 4, 1)];
    const fits = (e: Example) => e.source.split(' ').length <= 10;
    const plain = selectExamples(mixed, 3, { seed: 1, fits });
    expect(plain.examples.map((e) => e.id)).toEqual(['tatoeba-0', 'tatoeba-2', 'tatoeba-4']);
    expect(plain.too_long).toBe(2);
    const weighted = selectExamples(mixed, 5, { domains: { tatoeba: 1 }, seed: 1, fits });
    expect(weighted.examples.map((e) => e.id)).toEqual(['tatoeba-0', 'tatoeba-2', 'tatoeba-4']);
    expect(weighted.exhausted).toEqual(['tatoeba']);
  });

  it('refuses weights that are not positive numbers, naming the domain', () => {
    expect(() => checkDomainWeights({ tatoeba: 0 }, 'exp.json: dataset')).toThrow(/domains\['tatoeba'\] must be a weight > 0, got 0/);
    expect(() => checkDomainWeights({}, 'exp.json: dataset')).toThrow(/'domains' is empty/);
  });
});
