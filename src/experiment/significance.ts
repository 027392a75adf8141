/**
 * Is system B better than system A on the same test set? Paired bootstrap resampling (Koehn 2004) on
 * the task's main metric: chrF through sacrebleu's own paired test (`--paired-bs`), ROUGE-L (a mean of
 * segment scores, which sacrebleu does not know) with the same procedure and p-value formula over
 * the same numpy-compatible resamples. Both give p = (#{|Δ_i| − mean|Δ| > |Δ|} + 1) / (n + 1).
 */
import type { Task } from '../data/index.ts';
import { bootstrapResampleIndices, SACREBLEU_DEFAULT_SEED } from '../metrics/bootstrap.ts';
import { CHRF } from '../metrics/chrf.ts';
import { pairedBootstrap } from '../metrics/pairedTests.ts';
import { UserError } from '../util/errors.ts';
import { MAIN_METRIC, rougeSegments } from './evaluate.ts';
import type { ScoreWithCi, Significance } from './results.ts';

export interface SystemOutputs {
  name: string;
  hypotheses: readonly string[];
  /** The system's main-metric interval (from its evaluation). */
  main: ScoreWithCi;
}

/** Paired bootstrap p-value for a difference of means of per-segment scores. */
export function pairedBootstrapMeans(a: readonly number[], b: readonly number[], nSamples = 1000, seed = SACREBLEU_DEFAULT_SEED): number {
  if (a.length !== b.length) throw new UserError(`paired test: ${a.length} vs ${b.length} segments`);
  const n = a.length;
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const actual = Math.abs(mean(a) - mean(b));
  const rows = bootstrapResampleIndices(n, nSamples, seed);
  const diffs = rows.map((r) => {
    let d = 0;
    for (let i = 0; i < r.length; i++) d += b[r[i]!]! - a[r[i]!]!;
    return Math.abs(d / r.length);
  });
  const avg = mean(diffs);
  let c = 0;
  for (const d of diffs) if (d - avg > actual) c++;
  return (c + 1) / (nSamples + 1);
}

const chrf = new CHRF();

/** Compares `system` against `baseline` on the task's main metric. */
export function compareOnMainMetric(task: Task, baseline: SystemOutputs, system: SystemOutputs, references: readonly string[], nSamples = 1000): Significance {
  if (baseline.hypotheses.length !== references.length || system.hypotheses.length !== references.length)
    throw new UserError(`paired test: ${baseline.name} and ${system.name} must be scored on the same ${references.length} test examples`);
  const metric = MAIN_METRIC[task];
  let p: number;
  if (metric === 'chrf') {
    const [r] = pairedBootstrap(
      [
        { name: baseline.name, hypotheses: baseline.hypotheses },
        { name: system.name, hypotheses: system.hypotheses },
      ],
      [references],
      [chrf],
      { nSamples },
    );
    p = r!.perSystem[1]!.pValue!;
  } else {
    const a = rougeSegments(task, baseline.hypotheses, references)[metric as 'rougeL'];
    const b = rougeSegments(task, system.hypotheses, references)[metric as 'rougeL'];
    p = pairedBootstrapMeans(a, b, nSamples);
  }
  const delta = system.main.score - baseline.main.score;
  // sacrebleu's formula gives p = 1/(n+1) when the two systems score exactly alike (no resample
  // difference exceeds a zero difference); identical scores are no evidence of a difference.
  if (delta === 0) p = 1;
  return {
    against: baseline.name,
    metric,
    delta,
    p_value: p,
    ci_separated: system.main.low > baseline.main.high || system.main.high < baseline.main.low,
  };
}

/** B beats A: better on the main metric, and either the intervals separate or p < 0.05. */
export function isSignificantlyBetter(s: Significance, alpha = 0.05): boolean {
  return s.delta > 0 && (s.ci_separated || s.p_value < alpha);
}
