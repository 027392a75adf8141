/**
 * The shape of a suite's thresholds file (suites/<task>/thresholds.ts): what every experiment test
 * asserts, per profile and per method, so that the numbers live in one readable place.
 */
import type { ProfileName } from '../../src/experiment/profile.ts';

export interface MethodThreshold {
  /**
   * Minimum relative fall of the held-out loss (the validation examples), 1 − after / before
   * training. null: the method is not expected to move the loss measurably at this budget, and the
   * test only asserts that it did not rise by more than 5%.
   */
  minLossDrop: number | null;
  /**
   * Must beat the untuned base on the task's main metric: 95% intervals that do not overlap, or a
   * paired bootstrap p < 0.05 (with a positive difference).
   */
  beatsBase: boolean;
  /**
   * Most outputs that may be degenerate (empty, or one word more than half of the words; see
   * src/experiment/degeneration.ts): a run whose outputs collapsed is a failure, never a result.
   * null: not asserted (smoke budgets are pipeline checks, far too short to learn the task).
   */
  maxDegenerateRate: number | null;
  /** Why a requirement is relaxed here (a measured outcome, not a wish). */
  note?: string;
}

export interface ProfileThresholds {
  default: MethodThreshold;
  /**
   * By method name (`lora`, `ia3`, …) or case id (`lora-r4-a16`), optionally prefixed with the model
   * family (`gpt2:lora`); more specific keys win: method < family:method < case < family:case.
   */
  overrides?: Record<string, Partial<MethodThreshold>>;
  /**
   * Applied last to a further grid point (another rate, rank or prompt length beside the method's
   * main setting): such a point is explored, not promised, and the report judges it (naming it failed
   * when its outputs collapsed or it does not beat the base).
   */
  grid_point?: Partial<MethodThreshold>;
}

/** `smoke-random-init`: smoke runs without the committed micro models (random-init base models). */
export type ThresholdProfile = ProfileName | 'smoke-random-init';

export type SuiteThresholds = Record<ThresholdProfile, ProfileThresholds>;

export function thresholdProfile(profile: ProfileName, randomInit: boolean): ThresholdProfile {
  return randomInit ? 'smoke-random-init' : profile;
}

/** The case a threshold is looked up for. */
export interface ThresholdCase {
  family: string;
  method: string;
  caseId: string;
  gridPoint: boolean;
}

export function thresholdFor(t: SuiteThresholds, profile: ThresholdProfile, { family, method, caseId, gridPoint }: ThresholdCase): MethodThreshold {
  const p = t[profile];
  const o = p.overrides ?? {};
  const th = { ...p.default, ...o[method], ...o[`${family}:${method}`], ...o[caseId], ...o[`${family}:${caseId}`] };
  return gridPoint ? { ...th, ...p.grid_point } : th;
}

/**
 * What a further grid point must show where the method's main setting must win: sound training and the
 * loss fall, not the win itself (the report names a point that collapsed or did not beat the base).
 */
export const GRID_POINT: Partial<MethodThreshold> = {
  beatsBase: false,
  maxDegenerateRate: null,
  note: 'a further grid point: explored, not promised; the report judges it',
};
