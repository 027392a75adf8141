import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/random.ts';
import { defaultMegaBatchMult, lengthGroupedIndices } from '../../src/train/lengthGrouped.ts';

describe("group_by_length (transformers' get_length_grouped_indices)", () => {
  it('is a permutation whose megabatches are sorted longest first, and the seed fixes it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 16 }),
        fc.nat(),
        (lengths, bs, seed) => {
          const order = lengthGroupedIndices(lengths, bs, new Rng(seed));
          expect([...order].sort((a, b) => a - b)).toEqual([...lengths.keys()]);
          const mega = defaultMegaBatchMult(lengths.length, bs) * bs;
          for (let i = 0; i < order.length; i += mega) {
            const ls = order.slice(i, i + mega).map((j) => lengths[j]!);
            expect(ls).toEqual([...ls].sort((a, b) => b - a));
          }
          expect(lengthGroupedIndices(lengths, bs, new Rng(seed))).toEqual(order);
        },
      ),
    );
  });

  it("uses HF's megabatch size: min(n / (4 batch), 50) batches, at least one", () => {
    expect(defaultMegaBatchMult(10, 8)).toBe(1);
    expect(defaultMegaBatchMult(320, 8)).toBe(10);
    expect(defaultMegaBatchMult(100_000, 8)).toBe(50);
  });

  it('cuts padding: batches of mixed short and long examples pad far less', () => {
    const rng = new Rng(1);
    const lengths = Array.from({ length: 4096 }, () => (rng.chance(0.8) ? 5 + rng.int(10) : 60 + rng.int(40)));
    const padded = (order: number[]) => {
      let total = 0;
      for (let i = 0; i < order.length; i += 32) total += 32 * Math.max(...order.slice(i, i + 32).map((j) => lengths[j]!));
      return total;
    };
    const random = padded(new Rng(2).shuffle([...lengths.keys()]));
    const grouped = padded(lengthGroupedIndices(lengths, 32, new Rng(2)));
    expect(grouped).toBeLessThan(0.5 * random);
  });
});
