import { formulaTargets, layerNames, type FormulaConfig, type FormulaResult } from '../../src/peft/parameterFormula.ts';
import type { LanguageModel } from '../../src/models/registry.ts';

/** IA³: Σ d_out over attention targets + Σ d_in over feed-forward targets. */
export function ia3Formula(cfg: FormulaConfig, base: LanguageModel): FormulaResult {
  const hits = formulaTargets(base, cfg);
  const ff = cfg.feedforward_modules as string[] | string | null;
  // peft's _check_target_module_feedforward: a regex full match, or a plain suffix test.
  const isFf = (key: string) => (ff === null ? false : typeof ff === 'string' ? new RegExp(`^(?:${ff})$`).test(key) : ff.some((k) => key.endsWith(k)));
  const count = hits.reduce((s, [name, m]) => s + (isFf(name) ? m.inFeatures : m.outFeatures), 0);
  return { count, formula: `Σ d_out (attention) + Σ d_in (feed-forward) over ${hits.length} layers (${layerNames(hits)})` };
}
