import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, hashSeed } from '../../src/engine/random.ts';
import { splitExamples } from '../../src/data/split.ts';
import type { Example } from '../../src/data/types.ts';

function corpus(sizes: Record<string, number>): Example[] {
  const out: Example[] = [];
  for (const [domain, n] of Object.entries(sizes))
    for (let i = 0; i < n; i++) out.push({ id: `${domain}-${i}`, domain, source: `${domain} source ${i}`, target: `t ${i}`, task: 'translation' });
  return out;
}

const ids = (xs: Example[]) => xs.map((e) => e.id);

describe('seeded PRNG', () => {
  it('is a pure function of the seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 100 }, () => createRng(43).next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(hashSeed(1)).not.toBe(hashSeed('1'));
  });

  it('is roughly uniform (int and shuffle)', () => {
    const rng = createRng('uniform');
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[rng.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200); // ±10%, > 4 sigma
    const first = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) first[rng.shuffle([0, 1, 2, 3, 4])[0]!]++;
    for (const c of first) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe('splitExamples', () => {
  const data = corpus({ news: 503, tatoeba: 1201, health: 37, software: 260 });

  it('is deterministic for a seed and changes with the seed', () => {
    const a = splitExamples(data, { seed: 7, validation: 0.1 });
    const b = splitExamples([...data], { seed: 7, validation: 0.1 });
    expect(ids(a.train)).toEqual(ids(b.train));
    expect(ids(a.test)).toEqual(ids(b.test));
    expect(ids(a.validation)).toEqual(ids(b.validation));
    const c = splitExamples(data, { seed: 8, validation: 0.1 });
    expect(ids(c.test)).not.toEqual(ids(a.test));
  });

  it('splits 80/20 by default with no validation, covering every example exactly once', () => {
    const s = splitExamples(data, { seed: 1 });
    expect(s.validation).toEqual([]);
    expect(s.test.length).toBe(Math.round(data.length * 0.2));
    const all = [...s.train, ...s.test].map((e) => e.id).sort();
    expect(all).toEqual(ids(data).sort());
  });

  it('stratifies by domain: each domain gets its share of every split (within one example)', () => {
    const s = splitExamples(data, { seed: 3, test: 0.2, validation: 0.1 });
    const count = (xs: Example[], d: string) => xs.filter((e) => e.domain === d).length;
    for (const [d, n] of Object.entries({ news: 503, tatoeba: 1201, health: 37, software: 260 })) {
      expect(Math.abs(count(s.test, d) - n * 0.2)).toBeLessThanOrEqual(1);
      expect(Math.abs(count(s.validation, d) - n * 0.1)).toBeLessThanOrEqual(1);
    }
    // Without stratification a small domain drifts; with it, it cannot.
    expect(s.test.length).toBe(Math.round(data.length * 0.2));
    expect(s.validation.length).toBe(Math.round(data.length * 0.1));
  });

  it('never puts one source text in two splits (Tatoeba-style multiple translations)', () => {
    const multi: Example[] = [];
    for (let i = 0; i < 300; i++)
      for (let k = 0; k < 1 + (i % 3); k++)
        multi.push({ id: `${i}.${k}`, domain: 'tatoeba', source: `sentence ${i}`, target: `перевод ${i} ${k}`, task: 'translation' });
    const s = splitExamples(multi, { seed: 5, validation: 0.1 });
    const where = new Map<string, string>();
    for (const [name, xs] of Object.entries(s))
      for (const e of xs as Example[]) {
        expect(where.get(e.source) ?? name).toBe(name);
        where.set(e.source, name);
      }
    const ungrouped = splitExamples(multi, { seed: 5, groupBySource: false });
    const trainSources = new Set(ungrouped.train.map((e) => e.source));
    expect(ungrouped.test.some((e) => trainSources.has(e.source))).toBe(true); // what grouping prevents
  });

  it('property: disjoint, complete and deterministic for any corpus and seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 6 })), { minLength: 0, maxLength: 80 }),
        fc.integer(),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (rows, seed, test) => {
          const exs = rows.map(([d, s], i): Example => ({ id: String(i), domain: d, source: s, target: 't', task: 'summarization' }));
          const r1 = splitExamples(exs, { seed, test, validation: 0.2 });
          const r2 = splitExamples(exs, { seed, test, validation: 0.2 });
          expect(r2).toEqual(r1);
          const all = [...r1.train, ...r1.validation, ...r1.test].map((e) => Number(e.id)).sort((x, y) => x - y);
          expect(all).toEqual(exs.map((_, i) => i));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects fractions that leave no training data', () => {
    expect(() => splitExamples(data, { seed: 1, test: 0.6, validation: 0.5 })).toThrow(/fractions must be >= 0 and sum to less than 1/);
  });
});
