import { ConfigReader } from '../../src/util/configReader.ts';
import { taskTypeFor, type PeftConfigBase } from '../../src/peft/plugin.ts';
import { readTrainableTokenIndices, type TrainableTokensOption } from '../../src/peft/trainableTokens.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { UserError } from '../../src/util/errors.ts';

/**
 * peft 0.10's IA3Config (field names and defaults as in Python), plus `trainable_token_indices`, which
 * peft has on LoRA only: written only when set, so every other IA³ config stays one Python reads.
 */
export interface IA3Config extends PeftConfigBase, TrainableTokensOption {
  peft_type: 'IA3';
  target_modules: string[] | string | null;
  /** Targets whose *input* is scaled (the paper's feed-forward vectors); the others scale their output. */
  feedforward_modules: string[] | string | null;
  fan_in_fan_out: boolean;
  modules_to_save: string[] | null;
  init_ia3_weights: boolean;
}

/** peft's TRANSFORMERS_MODELS_TO_IA3_TARGET_MODULES_MAPPING for our architectures. */
export const IA3_DEFAULT_TARGETS: Record<string, string[]> = {
  gpt2: ['c_attn', 'mlp.c_proj'],
  t5: ['k', 'v', 'wo'],
  mt5: ['k', 'v', 'wi_1'],
};

/** peft's TRANSFORMERS_MODELS_TO_IA3_FEEDFORWARD_MODULES_MAPPING. */
export const IA3_DEFAULT_FEEDFORWARD: Record<string, string[]> = { gpt2: ['mlp.c_proj'], t5: ['wo'], mt5: [] };

export function parseIa3Config(raw: Record<string, unknown>, model: LanguageModel, where: string): IA3Config {
  const c = new ConfigReader(raw, where);
  c.oneOf('peft_type', ['IA3'], 'IA3');
  const cfg: IA3Config = {
    peft_type: 'IA3',
    task_type: taskTypeFor(model),
    base_model_name_or_path: c.str('base_model_name_or_path', null),
    revision: c.str('revision', null),
    inference_mode: c.bool('inference_mode', false),
    target_modules: c.strings('target_modules', null) ?? IA3_DEFAULT_TARGETS[model.modelType] ?? null,
    feedforward_modules: c.strings('feedforward_modules', null) ?? IA3_DEFAULT_FEEDFORWARD[model.modelType] ?? null,
    fan_in_fan_out: c.bool('fan_in_fan_out', false),
    modules_to_save: (c.strings('modules_to_save', null) as string[] | null) ?? null,
    init_ia3_weights: c.bool('init_ia3_weights', true),

    ...readTrainableTokenIndices(c, model),
  };
  c.ignore('task_type', 'auto_mapping');
  c.rejectUnknown();
  if (cfg.target_modules === null) throw new UserError(`${where}: 'target_modules' is required for model type '${model.modelType}'`);
  if (cfg.feedforward_modules === null)
    throw new UserError(`${where}: 'feedforward_modules' is required for model type '${model.modelType}' (use [] for none)`);
  // peft checks this only when both are lists (a regex cannot be compared).
  if (Array.isArray(cfg.target_modules) && Array.isArray(cfg.feedforward_modules)) {
    const extra = cfg.feedforward_modules.filter((m) => !(cfg.target_modules as string[]).includes(m));
    if (extra.length)
      throw new UserError(
        `${where}: 'feedforward_modules' must be a subset of 'target_modules' ${JSON.stringify(cfg.target_modules)}; not targeted: ${JSON.stringify(extra)}`,
      );
  }
  return cfg;
}

/** peft's _check_target_module_feedforward: a regex full match, or a plain suffix test (no dot boundary). */
export function isFeedforward(cfg: Pick<IA3Config, 'feedforward_modules'>, key: string): boolean {
  const ff = cfg.feedforward_modules;
  if (ff === null) return false;
  if (typeof ff === 'string') return new RegExp(`^(?:${ff})$`).test(key);
  return ff.some((k) => key.endsWith(k));
}
