/**
 * Trainable-parameter counts from each method's formula (the papers' and peft's), computed from the
 * resolved config and the base model's layer shapes alone — independently of the plugin code that
 * builds the parameters — so a suite can check that what trained is what the method promises. Each
 * registered method gives its formula (PeftPlugin.parameterFormula, src/peft/parameterFormula.ts).
 *
 * Call it with the base model before the method is attached (layer methods wrap the targets).
 */
import type { LanguageModel } from '../models/registry.ts';
import type { FormulaConfig, FormulaResult } from '../peft/parameterFormula.ts';
import { listPlugins } from '../peft/plugin.ts';
import { trainableTokensCount } from '../peft/trainableTokens.ts';

export type { FormulaResult } from '../peft/parameterFormula.ts';

export function expectedTrainableParams(method: string, cfg: FormulaConfig, base: LanguageModel): FormulaResult {
  const formula = listPlugins().find((p) => p.name === method)?.parameterFormula;
  if (!formula) return { count: null, formula: `no formula for '${method}'` };
  const own = formula(cfg, base);
  const rows = trainableTokensCount(cfg, base);
  return own.count === null || rows.count === 0 ? own : { count: own.count + rows.count, formula: own.formula + rows.formula };
}
