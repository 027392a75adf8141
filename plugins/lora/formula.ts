import { formulaTargets, layerNames, numField, type FormulaConfig, type FormulaResult } from '../../src/peft/parameterFormula.ts';
import type { LanguageModel } from '../../src/models/registry.ts';

/** LoRA / QLoRA: Σ over targeted layers r·(d_in + d_out)   (A: r×d_in, B: d_out×r). */
export function loraFormula(cfg: FormulaConfig, base: LanguageModel): FormulaResult {
  const hits = formulaTargets(base, cfg);
  const r = numField(cfg, 'r');
  const patterned = Object.keys((cfg.rank_pattern as FormulaConfig | undefined) ?? {}).length > 0;
  if (patterned || (cfg.bias ?? 'none') !== 'none' || cfg.modules_to_save)
    return { count: null, formula: 'r·(d_in + d_out) per layer (not checked: rank_pattern, bias or modules_to_save in use)' };
  const count = hits.reduce((s, [, m]) => s + r * (m.inFeatures + m.outFeatures), 0);
  return { count, formula: `Σ r·(d_in + d_out), r=${r}, over ${hits.length} layers (${layerNames(hits)})` };
}
