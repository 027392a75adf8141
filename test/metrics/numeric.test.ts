import { describe, expect, it } from 'vitest';
import { crExp, crLog } from '../../src/metrics/crMath.ts';
import { LegacyRandomState } from '../../src/metrics/numpyMt19937.ts';
import { NumpyGenerator } from '../../src/metrics/numpyPcg64.ts';
import { numpyPercentile } from '../../src/metrics/pyNumeric.ts';

describe('numpy random streams', () => {
  // Reference values printed by numpy (2.4.6; these streams are unchanged since numpy 1.17):
  //   ''.join(str(int(b)) for b in np.random.default_rng(2024).integers(2, size=64, dtype=bool))
  //   np.random.default_rng(2**40 + 7).integers(0, 1000, size=8)
  //   g = np.random.default_rng(7); g.integers(2, size=5, dtype=bool); g.choice(20, size=6)
  //   np.random.seed(123); np.random.choice(np.arange(1000), size=6)
  // The 1000x20 matrix in the bleu_chrf golden and rouge-score's indices check longer runs.
  it('default_rng booleans (one bit per 32-bit draw)', () => {
    const bits = Array.from(new NumpyGenerator(2024).booleans(64)).join('');
    expect(bits).toBe('0001011101010011001010111011110001101010000100101100000010110101');
  });
  it('default_rng integers with a seed wider than 32 bits', () => {
    expect(Array.from(new NumpyGenerator(2 ** 40 + 7).integers(1000, 8))).toEqual([206, 829, 609, 255, 17, 153, 504, 674]);
  });
  it('booleans then choice share the buffered 32-bit half', () => {
    const g = new NumpyGenerator(7);
    g.booleans(5);
    expect(Array.from(g.choice(20, 1, 6)[0]!)).toEqual([12, 13, 17, 11, 15, 16]);
  });
  it('legacy np.random.seed + choice (MT19937, masked rejection)', () => {
    expect(Array.from(new LegacyRandomState(123).choice(1000, 6))).toEqual([510, 365, 382, 322, 988, 98]);
  });
});

describe('correctly rounded exp/log', () => {
  // Exact values from Python's decimal module at 50 digits, rounded once to double. V8's Math.exp
  // and Math.log are off by one unit in the last place on these inputs.
  it('rounds exp and log correctly', () => {
    expect(crExp(1.6476233255263402)).toBe(5.194619225521271);
    expect(crExp(-0.0006695731463267267)).toBe(0.9993306509677494);
    expect(crLog(50.840471554162825)).toBe(3.928692721537145);
    expect(crLog(10.36853059460432)).toBe(2.338775314477577);
    expect(crLog(1.6409601584587596)).toBe(0.49528153299466865);
  });
  it('keeps the edge values of the libm functions', () => {
    expect(crExp(0)).toBe(1);
    expect(crLog(1)).toBe(0);
    expect(crLog(0)).toBe(-Infinity);
    expect(crExp(-1e10)).toBe(0);
    expect(crLog(100)).toBe(Math.log(100));
  });
});

describe('numpy.percentile (linear)', () => {
  it('interpolates between order statistics as numpy does', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(numpyPercentile(xs, 50)).toBe(3.5);
    expect(numpyPercentile(xs, 0)).toBe(1);
    expect(numpyPercentile(xs, 100)).toBe(9);
    expect(numpyPercentile(xs, 25)).toBe(1.75);
  });
});
