import { formulaTargets, layerNames, numField, type FormulaConfig, type FormulaResult } from '../../src/peft/parameterFormula.ts';
import type { LanguageModel } from '../../src/models/registry.ts';

/** AdaLoRA: Σ over targeted layers r_init·(d_in + d_out) + r_init   (P, Q and the singular values E). */
export function adaloraFormula(cfg: FormulaConfig, base: LanguageModel): FormulaResult {
  const hits = formulaTargets(base, cfg);
  const r = numField(cfg, 'init_r');
  const count = hits.reduce((s, [, m]) => s + r * (m.inFeatures + m.outFeatures) + r, 0);
  return { count, formula: `Σ r_init·(d_in + d_out) + r_init, r_init=${r}, over ${hits.length} layers (${layerNames(hits)})` };
}
