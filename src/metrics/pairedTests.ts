import { randomInt } from 'node:crypto';
import { UserError } from '../util/errors.ts';
import { bootstrapScores, estimateCiNumpy, resolveBootstrap, SACREBLEU_DEFAULT_SEED, sumResampled, type BootstrapOptions } from './bootstrap.ts';
import { NumpyGenerator } from './numpyPcg64.ts';
import { numpyMean } from './pyNumeric.ts';
import { sumStatistics, type AnySacreMetric, type ReferenceStreams } from './sacreMetric.ts';
import { formatSignature, type SignatureFields } from './signature.ts';

/**
 * Paired significance tests between a baseline system and others, with sacrebleu 2.6's semantics
 * (`--paired-bs` and `--paired-ar`, class `PairedTest`).
 *
 * - Paired bootstrap (Koehn 2004, as Moses' bootstrap-hypothesis-difference-significance.pl): the
 *   same resamples score both systems; p = (#{|Δ_resample| − mean|Δ| > |Δ_actual|} + 1) / (n + 1).
 * - Approximate randomization (Riezler & Maxwell 2005, multeval's stratified variant): each trial
 *   swaps the two systems' outputs on a random half of the segments; p is the share of trials whose
 *   absolute score difference exceeds the actual one, with the same +1 correction.
 *
 * Random draws reproduce numpy's `default_rng(seed)` (seed 12345 by default, as sacrebleu), so the
 * p-values and intervals equal sacrebleu's; `resampleIndices` / `masks` accept draws made elsewhere.
 */

export interface PairedSystem {
  name: string;
  hypotheses: readonly string[];
}

export interface PairedSystemResult {
  system: string;
  score: number;
  /** null for the baseline. */
  pValue: number | null;
  /** Bootstrap mean and 95% half-width (null for AR unless `nArConfidence` > 0). */
  mean: number | null;
  ci: number | null;
}

export interface PairedMetricResult {
  /** sacrebleu's score name, e.g. BLEU, chrF2, TER. */
  metric: string;
  signature: string;
  signatureFields: SignatureFields;
  /** Baseline first, then the other systems in the order given. */
  perSystem: PairedSystemResult[];
}

function pValue(stats: readonly number[], realDifference: number): number {
  let c = 0;
  for (const s of stats) if (s > realDifference) c++;
  return (c + 1) / (stats.length + 1);
}

function checkSystems(systems: readonly PairedSystem[], references: ReferenceStreams): void {
  if (systems.length < 2) throw new UserError('paired tests need a baseline and at least one other system');
  const n = systems[0]!.hypotheses.length;
  for (const s of systems)
    if (s.hypotheses.length !== n) throw new UserError(`system '${s.name}' has ${s.hypotheses.length} segments but the baseline has ${n}`);
  if (references.length === 0) throw new UserError('paired tests need references');
}

function metricSignature(
  metric: AnySacreMetric,
  nrefs: number | 'var',
  parts: { bs?: number; ar?: number; seed: string },
): { signature: string; signatureFields: SignatureFields } {
  const signatureFields = metric.signatureFields(nrefs, parts);
  return { signature: formatSignature(signatureFields), signatureFields };
}

export interface PairedBootstrapOptions extends Omit<BootstrapOptions, 'nSamples'> {
  /** Number of resamples (sacrebleu: 1000). */
  nSamples?: number;
}

/** sacrebleu `PairedTest(test_type='bs')`: paired bootstrap resampling against the first system. */
export function pairedBootstrap(
  systems: readonly PairedSystem[],
  references: ReferenceStreams,
  metrics: readonly AnySacreMetric[],
  opts: PairedBootstrapOptions = {},
): PairedMetricResult[] {
  checkSystems(systems, references);
  const nSeg = systems[0]!.hypotheses.length;
  const boot = resolveBootstrap(nSeg, { nSamples: opts.nSamples ?? 1000, ...opts });
  return metrics.map((metric) => {
    const bl = metric.corpusStatistics(systems[0]!.hypotheses, references);
    const blScore = metric.scoreFromStatistics(sumStatistics(bl.stats)).score;
    const score = (t: number[], f32: boolean) => metric.scoreFromStatistics(t, f32).score;
    const blScores = bootstrapScores(bl.stats, score, boot);
    const blCi = estimateCiNumpy(blScores);
    const perSystem: PairedSystemResult[] = [{ system: systems[0]!.name, score: blScore, pValue: null, mean: blCi.mean, ci: blCi.ci }];
    for (const sys of systems.slice(1)) {
      const st = metric.corpusStatistics(sys.hypotheses, references).stats;
      const sysScore = metric.scoreFromStatistics(sumStatistics(st)).score;
      const diff = Math.abs(blScore - sysScore);
      const sysScores = bootstrapScores(st, score, boot);
      const { mean, ci } = estimateCiNumpy(sysScores);
      const sampleDiffs = sysScores.map((s, i) => Math.abs(s - blScores[i]!));
      const avg = numpyMean(sampleDiffs);
      const p = pValue(
        sampleDiffs.map((d) => d - avg),
        diff,
      );
      perSystem.push({ system: sys.name, score: sysScore, pValue: p, mean, ci });
    }
    return { metric: metric.name, ...metricSignature(metric, bl.nrefs, { bs: boot.nSamples, seed: boot.seedLabel }), perSystem };
  });
}

export interface PairedArOptions {
  /** Number of trials (sacrebleu: 10000). */
  nSamples?: number;
  /** numpy `default_rng` seed (default 12345); null draws one from the OS. */
  seed?: number | null;
  /** Bootstrap resamples for a CI of each system (sacrebleu's --paired-ar-confidence-n); -1 = none. */
  nArConfidence?: number;
  /** Swap masks to use instead of drawing (one row of 0/1 per trial, 1 = keep the baseline in A). */
  masks?: ReadonlyArray<ArrayLike<number>>;
  /** Sum bootstrap statistics in float32 as sacrebleu (default true). */
  float32?: boolean;
}

/** The trials' swap masks (given, or drawn) and the bootstrap rows of the per-system CIs, if asked for. */
function arMasks(nSeg: number, opts: PairedArOptions, seed: number | null, nArConf: number) {
  let masks: ReadonlyArray<ArrayLike<number>>;
  let confIndices: ReadonlyArray<ArrayLike<number>> | undefined;
  const nSamples = opts.masks ? opts.masks.length : (opts.nSamples ?? 10000);
  if (opts.masks) {
    masks = opts.masks;
    if (nArConf > 0) confIndices = resolveBootstrap(nSeg, { nSamples: nArConf, seed }).indices;
  } else {
    // One generator per comparison, as sacrebleu re-seeds for every system: masks first, then CI indices.
    const rng = new NumpyGenerator(seed ?? randomInt(2 ** 47));
    const bits = rng.booleans(nSamples * nSeg);
    masks = Array.from({ length: nSamples }, (_, r) => bits.subarray(r * nSeg, (r + 1) * nSeg));
    if (nArConf > 0) confIndices = rng.choice(nSeg, nArConf, nSeg);
  }
  for (const m of masks) if (m.length !== nSeg) throw new UserError(`each AR mask needs ${nSeg} entries, got ${m.length}`);
  return { masks, confIndices, nSamples };
}

/** |score(A) − score(B)| of each trial, A and B the two systems' segments swapped where the mask says. */
function shuffledAbsDiffs(metric: AnySacreMetric, blStats: number[][], sysStats: number[][], masks: ReadonlyArray<ArrayLike<number>>, nSeg: number): number[] {
  const k = blStats[0]!.length;
  const absDiffs: number[] = [];
  const blFlat = Float64Array.from(blStats.flat());
  const stFlat = Float64Array.from(sysStats.flat());
  const a = new Float64Array(k);
  const b = new Float64Array(k);
  for (const mask of masks) {
    // shuf_a = pos @ baseline + neg @ system; shuf_b = neg @ baseline + pos @ system.
    a.fill(0);
    b.fill(0);
    for (let i = 0; i < nSeg; i++) {
      const off = i * k;
      const toA = mask[i] ? blFlat : stFlat;
      const toB = mask[i] ? stFlat : blFlat;
      for (let j = 0; j < k; j++) {
        a[j]! += toA[off + j]!;
        b[j]! += toB[off + j]!;
      }
    }
    absDiffs.push(Math.abs(metric.scoreFromStatistics(a).score - metric.scoreFromStatistics(b).score));
  }
  return absDiffs;
}

/** sacrebleu `PairedTest(test_type='ar')`: paired approximate randomization against the first system. */
export function pairedApproxRandomization(
  systems: readonly PairedSystem[],
  references: ReferenceStreams,
  metrics: readonly AnySacreMetric[],
  opts: PairedArOptions = {},
): PairedMetricResult[] {
  checkSystems(systems, references);
  const nSeg = systems[0]!.hypotheses.length;
  const nArConf = opts.nArConfidence ?? -1;
  const float32 = opts.float32 ?? true;
  const seed = opts.seed === undefined ? SACREBLEU_DEFAULT_SEED : opts.seed;
  const seedLabel = seed === null ? 'none' : String(seed);
  const { masks, confIndices, nSamples } = arMasks(nSeg, opts, seed, nArConf);

  return metrics.map((metric) => {
    const bl = metric.corpusStatistics(systems[0]!.hypotheses, references);
    const blScore = metric.scoreFromStatistics(sumStatistics(bl.stats)).score;
    let blCi: { mean: number; ci: number } | undefined;
    if (nArConf > 0) {
      const boot = resolveBootstrap(nSeg, { nSamples: nArConf, seed, float32 });
      blCi = estimateCiNumpy(bootstrapScores(bl.stats, (t, f) => metric.scoreFromStatistics(t, f).score, boot));
    }
    const perSystem: PairedSystemResult[] = [{ system: systems[0]!.name, score: blScore, pValue: null, mean: blCi?.mean ?? null, ci: blCi?.ci ?? null }];
    for (const sys of systems.slice(1)) {
      const st = metric.corpusStatistics(sys.hypotheses, references).stats;
      const sysScore = metric.scoreFromStatistics(sumStatistics(st)).score;
      const diff = Math.abs(blScore - sysScore);
      const absDiffs = shuffledAbsDiffs(metric, bl.stats, st, masks, nSeg);
      const result: PairedSystemResult = { system: sys.name, score: sysScore, pValue: pValue(absDiffs, diff), mean: null, ci: null };
      if (confIndices) {
        const scores = confIndices.map((row) => metric.scoreFromStatistics(sumResampled(st, row, float32), float32).score);
        const e = estimateCiNumpy(scores);
        result.mean = e.mean;
        result.ci = e.ci;
      }
      perSystem.push(result);
    }
    const parts = nArConf > 0 ? { bs: nArConf, ar: nSamples, seed: seedLabel } : { ar: nSamples, seed: seedLabel };
    return { metric: metric.name, ...metricSignature(metric, bl.nrefs, parts), perSystem };
  });
}
