import { linearParameters, numField, type FormulaConfig, type FormulaResult } from '../../src/peft/parameterFormula.ts';

/** P-tuning (MLP encoder): n_virtual · submodules · d_model + Linear(d→h) + Linear(h→h) + Linear(h→d). */
export function pTuningFormula(cfg: FormulaConfig): FormulaResult {
  if (cfg.encoder_reparameterization_type !== 'MLP') return { count: null, formula: 'LSTM prompt encoder (not checked)' };
  const num = (k: string) => numField(cfg, k);
  const d = num('token_dim');
  const h = num('encoder_hidden_size');
  const emb = num('num_virtual_tokens') * num('num_transformer_submodules') * d;
  return {
    count: emb + linearParameters(d, h) + linearParameters(h, h) + linearParameters(h, d),
    formula: `n_virtual·submodules·d_model + MLP(d_model→h→h→d_model), h=${h}`,
  };
}
