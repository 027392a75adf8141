import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { sharedDir } from '../../src/util/paths.ts';

/** The golden metric vectors in ../shared/golden/metrics (see its README); undefined when absent. */
export function metricsGoldenPath(file: string): string | undefined {
  const dir = sharedDir();
  if (!dir) return undefined;
  const p = path.join(dir, 'golden', 'metrics', file);
  return existsSync(p) ? p : undefined;
}

export function readMetricsGolden<T>(file: string): T {
  const p = metricsGoldenPath(file);
  if (!p) throw new Error(`golden file missing: golden/metrics/${file}`);
  return JSON.parse(readFileSync(p, 'utf8')) as T;
}

/** The parity bar with the Python references: equal within 1e-9 (absolute). */
export const TOL = 1e-9;

export function expectClose(actual: number, expected: number, what: string, tol = TOL): void {
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${what}: got ${actual}, expected ${expected} (tolerance ${tol})`);
}

export function expectAllClose(actual: readonly number[], expected: readonly number[], what: string, tol = TOL): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  actual.forEach((a, i) => expectClose(a, expected[i]!, `${what}[${i}]`, tol));
}

/** Golden sacrebleu signatures end in `version:2.6.0`; ours carry our version instead. */
export const SACREBLEU_VERSION = '2.6.0';

export interface BleuOptionsJson {
  tokenize: '13a' | 'intl' | 'none' | 'char';
  lowercase: boolean;
  smooth_method: 'exp' | 'none' | 'floor' | 'add-k';
  smooth_value: number | null;
  effective_order: boolean;
  max_ngram_order: number;
}

export interface ChrfOptionsJson {
  char_order: number;
  word_order: number;
  beta: number;
  lowercase: boolean;
  whitespace: boolean;
  eps_smoothing: boolean;
}

export interface TerOptionsJson {
  normalized: boolean;
  no_punct: boolean;
  asian_support: boolean;
  case_sensitive: boolean;
}

export type SacreCheck =
  | { metric: 'bleu'; label: string; options: BleuOptionsJson; expected: Record<string, unknown> }
  | { metric: 'chrf'; label: string; options: ChrfOptionsJson; expected: Record<string, unknown> }
  | { metric: 'ter'; label: string; options: TerOptionsJson; expected: Record<string, unknown> };

export interface BootstrapJson {
  metric: 'bleu' | 'chrf' | 'ter';
  label: string;
  options: BleuOptionsJson | ChrfOptionsJson | TerOptionsJson;
  n_bootstrap: number;
  seed: string;
  expected: { score: number; mean: number; ci: number; formatted: string; signature: string; resample_scores: number[] };
  exact_integer_statistics_variant: { mean: number; ci: number; max_abs_score_diff_vs_sacrebleu: number };
}

export interface SacreCase {
  id: string;
  kind: 'sentence' | 'corpus';
  description: string;
  hypothesis?: string;
  references: string[] | (string | null)[][];
  hypotheses?: string[];
  checks: SacreCheck[];
  bootstrap?: BootstrapJson[];
}

export interface PairedJson {
  id: string;
  test_type: 'bs' | 'ar';
  n_samples: number;
  seed: number;
  n_ar_confidence: number;
  systems: { name: string; hypotheses: string[] }[];
  references: (string | null)[][];
  results: Record<
    string,
    { signature: string; per_system: { system: string; score: number; p_value: number | null; mean: number | null; ci: number | null }[] }
  >;
}

export interface BleuChrfGolden {
  bootstrap_resample_indices: { seed: number; n_samples: number; n_segments: number; indices: number[][] };
  cases: SacreCase[];
  paired_tests: PairedJson[];
}

export interface RougeTriple {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface RougeCheckJson {
  options: { use_stemmer: boolean; split_summaries: boolean; tokenizer: string };
  expected: Record<string, RougeTriple>;
  tokens?: { target: string[]; prediction: string[] };
  per_target?: Record<string, RougeTriple>[];
  selected_target_index?: Record<string, number>;
}

export interface RougeCaseJson {
  id: string;
  kind: 'score' | 'score_multi';
  description: string;
  target?: string;
  targets?: string[];
  prediction: string;
  checks: RougeCheckJson[];
}

export interface RougeAggregateJson {
  id: string;
  use_stemmer: boolean;
  numpy_global_seed: number;
  n_samples: number;
  confidence_interval: number;
  targets: string[];
  predictions: string[];
  expected: Record<string, { low: RougeTriple; mid: RougeTriple; high: RougeTriple }>;
  resample_indices?: Record<string, number[][]>;
}

export interface RougeGolden {
  cases: RougeCaseJson[];
  aggregate: RougeAggregateJson[];
  stemmer_vectors: { input: string; tokens_no_stemmer: string[]; tokens_stemmer: string[] }[];
}
