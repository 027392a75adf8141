/**
 * Every metric the report shows is on a 0–100 scale (results.ts), and an interval shown outside it
 * claims a score no system can get. New results carry percentile intervals, which stay inside
 * (src/experiment/evaluate.ts); results scored before that carry sacrebleu's mean ± half-width,
 * which crosses 0 for a skewed distribution near 0 (a collapsed run), and the cache keeps them
 * until the runs are recomputed. Those bounds are shown at the edge of the scale instead.
 */
import type { ScoreWithCi } from '../experiment/results.ts';

export const METRIC_MIN = 0;
export const METRIC_MAX = 100;

const onScale = (v: number) => Math.min(METRIC_MAX, Math.max(METRIC_MIN, v));

/** The interval with both bounds on the metric's scale (the score itself is left as measured). */
export function onMetricScale(s: ScoreWithCi): ScoreWithCi {
  return { score: s.score, low: onScale(s.low), high: onScale(s.high) };
}
