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
}

/** `smoke-random-init`: smoke runs without the committed micro models (random-init base models). */
export type ThresholdProfile = ProfileName | 'smoke-random-init';

export type SuiteThresholds = Record<ThresholdProfile, ProfileThresholds>;

export function thresholdProfile(profile: ProfileName, randomInit: boolean): ThresholdProfile {
  return randomInit ? 'smoke-random-init' : profile;
}

export function thresholdFor(t: SuiteThresholds, profile: ThresholdProfile, family: string, method: string, caseId: string): MethodThreshold {
  const p = t[profile];
  const o = p.overrides ?? {};
  return { ...p.default, ...o[method], ...o[`${family}:${method}`], ...o[caseId], ...o[`${family}:${caseId}`] };
}
