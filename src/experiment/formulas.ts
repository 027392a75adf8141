/**
 * Trainable-parameter counts from each method's formula (the papers' and peft's), computed from the
 * resolved config and the base model's layer shapes alone — independently of the plugin that builds
 * the parameters — so a suite can check that what trained is what the method promises.
 *
 * - LoRA / QLoRA: Σ over targeted layers r·(d_in + d_out)           (A: r×d_in, B: d_out×r)
 * - AdaLoRA:      Σ over targeted layers r_init·(d_in + d_out) + r_init  (P, Q and the singular values E)
 * - IA³:          Σ d_out over attention targets + Σ d_in over feed-forward targets
 * - prompt tuning: n_virtual · submodules · d_model
 * - prefix tuning / P-tuning v2: n_virtual · 2·n_layers·d_model; with prefix_projection the
 *   embedding is n_virtual·d_model followed by Linear(d_model→h) and Linear(h→2·n_layers·d_model)
 * - P-tuning (MLP encoder): n_virtual · submodules · d_model + Linear(d→h) + Linear(h→h) + Linear(h→d)
 * - full fine-tuning: every base parameter.
 *
 * Call it with the base model before the method is attached (layer methods wrap the targets).
 */
import { isLinearLike, type LinearLike } from '../models/linear.ts';
import type { LanguageModel } from '../models/registry.ts';
import { matchesTarget, type TargetSpec } from '../peft/targets.ts';

export interface FormulaResult {
  /** null when the config uses a feature the formula does not cover (rank_pattern, LSTM encoder). */
  count: number | null;
  formula: string;
}

type Cfg = Record<string, unknown>;

function targets(base: LanguageModel, cfg: Cfg): [string, LinearLike][] {
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

function layerNames(hits: [string, LinearLike][]): string {
  return [...new Set(hits.map(([n]) => n.split('.').pop()!))].join(', ');
}

const linear = (i: number, o: number) => i * o + o;

export function expectedTrainableParams(method: string, cfg: Cfg, base: LanguageModel): FormulaResult {
  const num = (k: string) => cfg[k] as number;
  switch (method) {
    case 'lora':
    case 'qlora': {
      const hits = targets(base, cfg);
      const r = num('r');
      const patterned = Object.keys((cfg.rank_pattern as Cfg | undefined) ?? {}).length > 0;
      if (patterned || (cfg.bias ?? 'none') !== 'none' || cfg.modules_to_save)
        return { count: null, formula: 'r·(d_in + d_out) per layer (not checked: rank_pattern, bias or modules_to_save in use)' };
      const count = hits.reduce((s, [, m]) => s + r * (m.inFeatures + m.outFeatures), 0);
      return { count, formula: `Σ r·(d_in + d_out), r=${r}, over ${hits.length} layers (${layerNames(hits)})` };
    }
    case 'adalora': {
      const hits = targets(base, cfg);
      const r = num('init_r');
      const count = hits.reduce((s, [, m]) => s + r * (m.inFeatures + m.outFeatures) + r, 0);
      return { count, formula: `Σ r_init·(d_in + d_out) + r_init, r_init=${r}, over ${hits.length} layers (${layerNames(hits)})` };
    }
    case 'ia3': {
      const hits = targets(base, cfg);
      const ff = cfg.feedforward_modules as string[] | string | null;
      // peft's _check_target_module_feedforward: a regex full match, or a plain suffix test.
      const isFf = (key: string) => (ff === null ? false : typeof ff === 'string' ? new RegExp(`^(?:${ff})$`).test(key) : ff.some((k) => key.endsWith(k)));
      const count = hits.reduce((s, [name, m]) => s + (isFf(name) ? m.inFeatures : m.outFeatures), 0);
      return { count, formula: `Σ d_out (attention) + Σ d_in (feed-forward) over ${hits.length} layers (${layerNames(hits)})` };
    }
    case 'prompt_tuning': {
      const count = num('num_virtual_tokens') * num('num_transformer_submodules') * num('token_dim');
      return { count, formula: `n_virtual·submodules·d_model = ${num('num_virtual_tokens')}·${num('num_transformer_submodules')}·${num('token_dim')}` };
    }
    case 'prefix_tuning':
    case 'p_tuning_v2': {
      const nvt = num('num_virtual_tokens');
      const d = num('token_dim');
      const out = 2 * num('num_layers') * d;
      if (cfg.prefix_projection) {
        const h = num('encoder_hidden_size');
        return {
          count: nvt * d + linear(d, h) + linear(h, out),
          formula: `n_virtual·d_model + Linear(d_model→h) + Linear(h→2·n_layers·d_model), n_virtual=${nvt}, h=${h}`,
        };
      }
      return { count: nvt * out, formula: `n_virtual·2·n_layers·d_model = ${nvt}·2·${num('num_layers')}·${d}` };
    }
    case 'p_tuning': {
      if (cfg.encoder_reparameterization_type !== 'MLP') return { count: null, formula: 'LSTM prompt encoder (not checked)' };
      const d = num('token_dim');
      const h = num('encoder_hidden_size');
      const emb = num('num_virtual_tokens') * num('num_transformer_submodules') * d;
      return {
        count: emb + linear(d, h) + linear(h, h) + linear(h, d),
        formula: `n_virtual·submodules·d_model + MLP(d_model→h→h→d_model), h=${h}`,
      };
    }
    case 'full':
      return { count: base.numParameters(), formula: 'every base parameter' };
    default:
      return { count: null, formula: `no formula for '${method}'` };
  }
}
