/**
 * Trainable-parameter counts from a method's formula (the paper's and peft's), computed from the
 * resolved config and the base model's layer shapes alone — independently of the code that builds
 * the parameters — so a suite can check that what trained is what the method promises. Each plugin
 * gives its formula; these are the pieces they share.
 */
import { isLinearLike, type LinearLike } from '../models/linear.ts';
import type { LanguageModel } from '../models/registry.ts';
import { matchesTarget, type TargetSpec } from './targets.ts';

export interface FormulaResult {
  /** null when the config uses a feature the formula does not cover (rank_pattern, LSTM encoder). */
  count: number | null;
  formula: string;
}

/** A resolved config, as saved (HF field names). */
export type FormulaConfig = Record<string, unknown>;

/**
 * The method's formula for `cfg` on `base`; called with the base model before the method is
 * attached (layer methods wrap the targets).
 */
export type ParameterFormula = (cfg: FormulaConfig, base: LanguageModel) => FormulaResult;

/** The linear layers a config targets, by name. */
export function formulaTargets(base: LanguageModel, cfg: FormulaConfig): [string, LinearLike][] {
  const spec: TargetSpec = {
    target_modules: cfg.target_modules as TargetSpec['target_modules'],
    layers_to_transform: cfg.layers_to_transform as TargetSpec['layers_to_transform'],
    layers_pattern: cfg.layers_pattern as TargetSpec['layers_pattern'],
  };
  return base
    .namedModules()
    .filter(([name, m]) => name !== '' && isLinearLike(m) && matchesTarget(spec, name))
    .map(([name, m]) => [name, m as unknown as LinearLike]);
}

/** The distinct layer names among the targets (`c_attn, c_proj`), for the formula's text. */
export function layerNames(hits: [string, LinearLike][]): string {
  return [...new Set(hits.map(([n]) => n.split('.').pop()!))].join(', ');
}

/** Parameters of nn.Linear(i, o) with its bias. */
export const linearParameters = (i: number, o: number): number => i * o + o;

/** A numeric field of the config (the config was validated when it was resolved). */
export const numField = (cfg: FormulaConfig, k: string): number => cfg[k] as number;
