/**
 * A training-stability note from the loss curve, by fixed rules so the report's wording rests on
 * numbers:
 * - diverged: a non-finite loss, or the mean loss of the last 20% of steps is over 5% above the
 *   first 20%'s;
 * - flat: the loss moved by less than that, or fell by less than 2%;
 * - noisy: the step-to-step noise over the second half (estimated from second differences, so a
 *   steep but smooth fall is not noise) exceeds 10% of the mean loss there, or some step exceeds 1.5×
 *   the exponential moving average (α = 0.1) of the steps before it (a spike);
 * - stable otherwise.
 */
import type { LossPoint, StabilityNote } from './results.ts';

const EMA_ALPHA = 0.1;

export function analyseStability(losses: readonly number[]): StabilityNote {
  const finite = losses.filter((l) => Number.isFinite(l));
  const nonFinite = losses.length - finite.length;
  const k = Math.max(1, Math.round(finite.length * 0.2));
  const mean = (v: readonly number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
  const start = mean(finite.slice(0, k));
  const end = mean(finite.slice(-k));
  let ema = finite[0] ?? 0;
  let spikes = 0;
  finite.forEach((l, i) => {
    if (i > 0 && l > 1.5 * ema) spikes++;
    ema = EMA_ALPHA * l + (1 - EMA_ALPHA) * ema;
  });
  // Step-to-step noise from second differences over the second half: a smooth curve (however steep)
  // has Δ² ≈ 0, white noise of std σ gives E[(Δ²)²] = 6σ².
  const half = finite.slice(Math.floor(finite.length / 2));
  const d2: number[] = [];
  for (let i = 1; i + 1 < half.length; i++) d2.push(half[i + 1]! - 2 * half[i]! + half[i - 1]!);
  const noise = d2.length ? Math.sqrt(mean(d2.map((d) => d * d)) / 6) / (mean(half) || 1) : 0;
  const relativeDrop = finite.length ? 1 - end / start : 0;
  let verdict: StabilityNote['verdict'] = 'stable';
  if (nonFinite > 0 || end > start * 1.05) verdict = 'diverged';
  else if (relativeDrop < 0.02) verdict = 'flat';
  else if (noise > 0.1 || spikes > 0) verdict = 'noisy';
  return {
    verdict,
    start_loss: start,
    end_loss: end,
    relative_drop: relativeDrop,
    noise,
    spikes,
    non_finite: nonFinite,
  };
}

/** At most `max` points of a loss curve, evenly spaced, first and last kept. */
export function thinCurve(points: readonly LossPoint[], max = 200): LossPoint[] {
  if (points.length <= max) return [...points];
  const out: LossPoint[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]!);
  return out;
}
