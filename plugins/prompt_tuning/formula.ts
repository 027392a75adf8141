import { numField, type FormulaConfig, type FormulaResult } from '../../src/peft/parameterFormula.ts';

/** Prompt tuning: n_virtual · submodules · d_model. */
export function promptTuningFormula(cfg: FormulaConfig): FormulaResult {
  const num = (k: string) => numField(cfg, k);
  const count = num('num_virtual_tokens') * num('num_transformer_submodules') * num('token_dim');
  return { count, formula: `n_virtual·submodules·d_model = ${num('num_virtual_tokens')}·${num('num_transformer_submodules')}·${num('token_dim')}` };
}
