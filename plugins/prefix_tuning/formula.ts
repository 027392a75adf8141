import { linearParameters, numField, type FormulaConfig, type FormulaResult } from '../../src/peft/parameterFormula.ts';

/**
 * Prefix tuning / P-tuning v2: n_virtual · 2·n_layers·d_model; with prefix_projection the embedding
 * is n_virtual·d_model followed by Linear(d_model→h) and Linear(h→2·n_layers·d_model).
 */
export function prefixTuningFormula(cfg: FormulaConfig): FormulaResult {
  const num = (k: string) => numField(cfg, k);
  const nvt = num('num_virtual_tokens');
  const d = num('token_dim');
  const out = 2 * num('num_layers') * d;
  if (cfg.prefix_projection) {
    const h = num('encoder_hidden_size');
    return {
      count: nvt * d + linearParameters(d, h) + linearParameters(h, out),
      formula: `n_virtual·d_model + Linear(d_model→h) + Linear(h→2·n_layers·d_model), n_virtual=${nvt}, h=${h}`,
    };
  }
  return { count: nvt * out, formula: `n_virtual·2·n_layers·d_model = ${nvt}·2·${num('num_layers')}·${d}` };
}
