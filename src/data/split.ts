import { UserError } from '../util/errors.ts';
import { createRng } from '../engine/random.ts';
import type { Example } from './types.ts';

export interface SplitOptions {
  seed: number | string;
  /** Fraction for the test split (default 0.2). */
  test?: number;
  /** Fraction for an optional validation split (default 0). */
  validation?: number;
  /** Stratify by `domain` (default true): every text type gets the same share in every split. */
  stratify?: boolean;
  /**
   * Keep examples that share a source text in the same split (default true). Tatoeba gives one
   * English sentence several Russian translations; letting them straddle train and test would
   * score memorisation as translation quality.
   */
  groupBySource?: boolean;
}

export interface Splits {
  train: Example[];
  validation: Example[];
  test: Example[];
}

/**
 * Largest-remainder apportionment: per-stratum counts that are as close as possible to
 * `fraction` of each stratum and sum to round(fraction × total). Ties go to the stratum that
 * sorts first, so the result depends on nothing but the input.
 */
function apportion(sizes: number[], fraction: number, capacity: number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const want = Math.round(total * fraction);
  const ideal = sizes.map((n) => n * fraction);
  const counts = ideal.map((x, i) => Math.min(Math.floor(x), capacity[i]!));
  let left = want - counts.reduce((a, b) => a + b, 0);
  const order = ideal.map((x, i) => ({ i, rem: x - Math.floor(x) })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let pass = 0; left > 0 && pass < 2; pass++)
    for (const { i } of order) {
      if (left <= 0) break;
      if (counts[i]! < capacity[i]! && (pass === 1 || ideal[i]! > counts[i]!)) {
        counts[i]!++;
        left--;
      }
    }
  return counts;
}

/**
 * Seeded train / validation / test split, stratified by domain. Deterministic: the same
 * examples in the same order and the same seed give the same split on every machine (own PRNG,
 * strata and groups visited in a fixed order). Splits never share an example, and with
 * groupBySource never share a source text.
 */
export function splitExamples(examples: readonly Example[], opts: SplitOptions): Splits {
  const testFrac = opts.test ?? 0.2;
  const valFrac = opts.validation ?? 0;
  if (!(testFrac >= 0 && valFrac >= 0 && testFrac + valFrac < 1))
    throw new UserError(`split: test (${testFrac}) and validation (${valFrac}) fractions must be >= 0 and sum to less than 1`);
  const rng = createRng(opts.seed, 'split');

  // Units of assignment: groups of examples sharing a source (or single examples).
  const groups = new Map<string, Example[]>();
  examples.forEach((ex, i) => {
    const key = opts.groupBySource === false ? `#${i}` : ex.source;
    const g = groups.get(key);
    if (g) g.push(ex);
    else groups.set(key, [ex]);
  });
  const strata = new Map<string, Example[][]>();
  for (const g of groups.values()) {
    const key = opts.stratify === false ? '' : (g[0]!.domain ?? '');
    const s = strata.get(key);
    if (s) s.push(g);
    else strata.set(key, [g]);
  }
  const names = [...strata.keys()].sort();
  const sizes = names.map((n) => strata.get(n)!.length);
  const testCounts = apportion(sizes, testFrac, sizes);
  const valCounts = apportion(
    sizes,
    valFrac,
    sizes.map((n, i) => n - testCounts[i]!),
  );

  const out: Splits = { train: [], validation: [], test: [] };
  names.forEach((name, i) => {
    const units = rng.shuffle([...strata.get(name)!]);
    const nTest = testCounts[i]!;
    const nVal = valCounts[i]!;
    units.forEach((g, j) => {
      const dest = j < nTest ? out.test : j < nTest + nVal ? out.validation : out.train;
      for (const ex of g) dest.push(ex); // a group can be as large as the dataset: no push(...g)
    });
  });
  // Mix domains within each split so that taking the first k examples is still a fair sample.
  rng.shuffle(out.train);
  rng.shuffle(out.validation);
  rng.shuffle(out.test);
  return out;
}
