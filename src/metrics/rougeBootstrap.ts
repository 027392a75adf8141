import { UserError } from '../util/errors.ts';
import { LegacyRandomState } from './numpyMt19937.ts';
import { numpyPercentile } from './pyNumeric.ts';
import type { RougeScore, RougeType } from './rouge.ts';

/**
 * rouge-score's `BootstrapAggregator`: for each ROUGE type, resample the per-segment
 * (precision, recall, F) rows with replacement, average each resample, and report the
 * 2.5th / 50th / 97.5th percentiles of those means (numpy's linear interpolation). `mid` is the
 * median of the bootstrap means, not their mean.
 *
 * rouge-score draws from numpy's global legacy stream (`np.random.choice`), consuming it type by
 * type in insertion order. We seed that stream (default 12345) so runs repeat; `np.random.seed(s)`
 * followed by rouge-score's aggregate gives the same numbers for the same seed.
 */

export interface RougeAggregate {
  low: RougeScore;
  mid: RougeScore;
  high: RougeScore;
}

export interface RougeBootstrapOptions {
  /** Number of resamples (rouge-score: 1000). */
  nSamples?: number;
  /** Confidence level (rouge-score: 0.95). */
  confidenceInterval?: number;
  /** Seed of numpy's legacy global RandomState (`np.random.seed`). Default 12345. */
  seed?: number;
  /** Resample indices per ROUGE type, used instead of drawing (e.g. the ones numpy drew). */
  resampleIndices?: Readonly<Record<RougeType, ReadonlyArray<ArrayLike<number>>>>;
}

export const ROUGE_DEFAULT_SEED = 12345;

const MEASURES = ['precision', 'recall', 'fmeasure'] as const;

/** Aggregates per-segment ROUGE scores (one record per segment, as `score`/`scoreMulti` return). */
export function rougeBootstrapAggregate(
  scores: ReadonlyArray<Readonly<Record<RougeType, RougeScore>>>,
  opts: RougeBootstrapOptions = {},
): Record<RougeType, RougeAggregate> {
  const nSamples = opts.nSamples ?? 1000;
  const ci = opts.confidenceInterval ?? 0.95;
  if (!(ci >= 0 && ci <= 1)) throw new UserError(`confidence interval must be in [0, 1], got ${ci}`);
  if (!Number.isInteger(nSamples) || nSamples <= 0) throw new UserError(`bootstrap samples must be a positive integer, got ${nSamples}`);
  if (scores.length === 0) throw new UserError('cannot aggregate ROUGE over zero segments');
  const n = scores.length;
  const types = Object.keys(scores[0]!);
  const rng = opts.resampleIndices ? undefined : new LegacyRandomState(opts.seed ?? ROUGE_DEFAULT_SEED);
  const delta = (1 - ci) / 2;
  const q = [100 * delta, 100 * 0.5, 100 * (1 - delta)];
  const out: Record<RougeType, RougeAggregate> = {};
  for (const type of types) {
    const rows = scores.map((s, i) => {
      const r = s[type];
      if (!r) throw new UserError(`segment ${i + 1} has no '${type}' score`);
      return [r.precision, r.recall, r.fmeasure] as const;
    });
    const given = opts.resampleIndices?.[type];
    if (opts.resampleIndices && (!given || given.length !== nSamples)) throw new UserError(`resample indices for '${type}' must have ${nSamples} rows`);
    const means: number[][] = [[], [], []];
    for (let s = 0; s < nSamples; s++) {
      const idx = given ? given[s]! : rng!.choice(n, n);
      // np.mean(sample, axis=0): the rows are added in order, then divided by their count.
      const sum = [0, 0, 0];
      for (let i = 0; i < idx.length; i++) {
        const row = rows[idx[i]!]!;
        sum[0]! += row[0];
        sum[1]! += row[1];
        sum[2]! += row[2];
      }
      for (let k = 0; k < 3; k++) means[k]!.push(sum[k]! / idx.length);
    }
    const bound = (qi: number): RougeScore => {
      const [p, r, f] = MEASURES.map((_, k) => numpyPercentile(means[k]!, q[qi]!));
      return { precision: p!, recall: r!, fmeasure: f! };
    };
    out[type] = { low: bound(0), mid: bound(1), high: bound(2) };
  }
  return out;
}
