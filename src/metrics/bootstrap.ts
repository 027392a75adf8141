import { randomInt } from 'node:crypto';
import { NumpyGenerator } from './numpyPcg64.ts';
import { exactMean, numpyMean } from './pyNumeric.ts';

/**
 * sacrebleu's bootstrap resampling of corpus statistics (`_bootstrap_resample`, `estimate_ci`).
 *
 * Segment statistics are resampled with replacement, summed, and scored again; the 95% interval is
 * half the distance between the 25th and 976th of 1000 sorted scores (n//40 from each end). sacrebleu
 * sums the statistics in float32 and divides float32 values for chrF and TER, which moves scores by
 * about 1e-6; `float32: true` reproduces that, `false` gives the exact-integer variant.
 */

/** sacrebleu's default seed (its SACREBLEU_SEED environment variable, when unset). */
export const SACREBLEU_DEFAULT_SEED = 12345;

export interface BootstrapOptions {
  /** Number of resamples (sacrebleu: 1000). */
  nSamples?: number;
  /** Seed of numpy's `default_rng`; `null` draws one from the OS, as SACREBLEU_SEED=none does. */
  seed?: number | null;
  /**
   * The resample index matrix to use instead of drawing one (rows of segment indices), e.g. one
   * numpy produced. The seed then only labels the signature.
   */
  resampleIndices?: ReadonlyArray<ArrayLike<number>>;
  /** Sum statistics in float32 as sacrebleu does (default true); false sums exact integers. */
  float32?: boolean;
}

export interface ResolvedBootstrap {
  indices: ReadonlyArray<ArrayLike<number>>;
  nSamples: number;
  /** The seed as sacrebleu writes it in signatures (`12345`, or `none`). */
  seedLabel: string;
  float32: boolean;
}

/** The index matrix `default_rng(seed).choice(nSegments, size=(nSamples, nSegments))`. */
export function bootstrapResampleIndices(nSegments: number, nSamples: number, seed: number = SACREBLEU_DEFAULT_SEED): Int32Array[] {
  return new NumpyGenerator(seed).choice(nSegments, nSamples, nSegments);
}

export function resolveBootstrap(nSegments: number, opts: BootstrapOptions = {}): ResolvedBootstrap {
  const float32 = opts.float32 ?? true;
  if (opts.resampleIndices) {
    for (const row of opts.resampleIndices)
      for (let i = 0; i < row.length; i++)
        if (!(row[i]! >= 0 && row[i]! < nSegments)) throw new RangeError(`resample index ${row[i]} outside 0..${nSegments - 1}`);
    const seedLabel = opts.seed === undefined ? 'given' : opts.seed === null ? 'none' : String(opts.seed);
    return { indices: opts.resampleIndices, nSamples: opts.resampleIndices.length, seedLabel, float32 };
  }
  const nSamples = opts.nSamples ?? 1000;
  if (!Number.isInteger(nSamples) || nSamples < 2) throw new RangeError(`nSamples must be an integer >= 2, got ${nSamples}`);
  const seed = opts.seed === undefined ? SACREBLEU_DEFAULT_SEED : opts.seed;
  const drawn = seed === null ? randomInt(2 ** 47) : seed;
  return {
    indices: bootstrapResampleIndices(nSegments, nSamples, drawn),
    nSamples,
    seedLabel: seed === null ? 'none' : String(seed),
    float32,
  };
}

/**
 * Sums the statistics of the segments named by `row`, in order. In float32 mode each statistic is
 * first rounded to float32 (numpy's `np.array(stats, dtype='float32')`) and every addition is too.
 */
export function sumResampled(stats: ReadonlyArray<ReadonlyArray<number>>, row: ArrayLike<number>, float32: boolean): number[] {
  const k = stats[0]?.length ?? 0;
  const total = new Array<number>(k).fill(0);
  for (let i = 0; i < row.length; i++) {
    const s = stats[row[i]!]!;
    if (float32) for (let j = 0; j < k; j++) total[j] = Math.fround(total[j]! + Math.fround(s[j]!));
    else for (let j = 0; j < k; j++) total[j] = total[j]! + s[j]!;
  }
  return total;
}

/** Scores of every resample, in resample order. */
export function bootstrapScores(
  stats: ReadonlyArray<ReadonlyArray<number>>,
  score: (total: number[], float32: boolean) => number,
  boot: ResolvedBootstrap,
): number[] {
  return boot.indices.map((row) => score(sumResampled(stats, row, boot.float32), boot.float32));
}

export interface ConfidenceEstimate {
  /** Mean of the resampled scores. */
  mean: number;
  /** Half-width of the 95% interval, as sacrebleu prints it after ±. */
  ci: number;
}

/** The two order statistics sacrebleu's interval rests on: n//40 resamples in from each end (the 26th and 975th of 1000). */
function trimmedEnds(sorted: readonly number[]): { low: number; high: number } {
  const n = sorted.length;
  const lower = Math.floor(n / 40);
  return { low: sorted[lower]!, high: sorted[n - lower - 1]! };
}

function halfWidth(sorted: readonly number[]): number {
  const { low, high } = trimmedEnds(sorted);
  return 0.5 * (high - low);
}

/** `Score.estimate_ci` (corpus_score with n_bootstrap): the mean is `statistics.mean`. */
export function estimateCi(scores: readonly number[]): ConfidenceEstimate {
  const sorted = [...scores].sort((a, b) => a - b);
  return { mean: exactMean(sorted), ci: halfWidth(sorted) };
}

/** `significance.estimate_ci` (paired tests): the same interval, the mean is numpy's over the sorted scores. */
export function estimateCiNumpy(scores: readonly number[]): ConfidenceEstimate {
  const sorted = [...scores].sort((a, b) => a - b);
  return { mean: numpyMean(sorted), ci: halfWidth(sorted) };
}

/**
 * The percentile interval over the same resamples: the order statistics sacrebleu halves into its ±
 * (so the width is the same), kept where they are instead of centred on the bootstrap mean. A score
 * that cannot be negative gets no negative bound this way, while mean ± half-width goes below 0 for
 * a skewed distribution near 0 (chrF 0.20 [-0.02, 1.13] of a collapsed run).
 */
export function percentileInterval(scores: readonly number[]): { low: number; high: number } {
  return trimmedEnds([...scores].sort((a, b) => a - b));
}
