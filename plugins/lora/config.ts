import { ConfigReader } from '../../src/util/configReader.ts';
import { taskTypeFor, type PeftConfigBase } from '../../src/peft/plugin.ts';
import { readTrainableTokenIndices, type TrainableTokensOption } from '../../src/peft/trainableTokens.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { UserError } from '../../src/util/errors.ts';

/**
 * peft 0.10's LoraConfig (field names and defaults as in Python), plus peft 0.15's
 * `trainable_token_indices`, written only when set so that peft 0.10 reads every other config.
 */
export interface LoraConfig extends PeftConfigBase, TrainableTokensOption {
  peft_type: 'LORA';
  r: number;
  target_modules: string[] | string | null;
  lora_alpha: number;
  lora_dropout: number;
  fan_in_fan_out: boolean;
  bias: 'none' | 'all' | 'lora_only';
  use_rslora: boolean;
  modules_to_save: string[] | null;
  init_lora_weights: boolean | 'gaussian';
  layers_to_transform: number[] | number | null;
  layers_pattern: string[] | string | null;
  rank_pattern: Record<string, number>;
  alpha_pattern: Record<string, number>;
  megatron_config: null;
  megatron_core: string | null;
  loftq_config: Record<string, never>;
  use_dora: boolean;
  layer_replication: null;
}

/** peft's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING for our architectures. */
export const LORA_DEFAULT_TARGETS: Record<string, string[]> = { gpt2: ['c_attn'], t5: ['q', 'v'], mt5: ['q', 'v'] };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function parseLoraConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): LoraConfig {
  const c = new ConfigReader(raw, where);
  c.oneOf('peft_type', ['LORA'], 'LORA');
  const init = raw.init_lora_weights ?? true;
  if (init !== true && init !== false && init !== 'gaussian')
    throw new UserError(`${where}: 'init_lora_weights' must be true, false or "gaussian" (loftq/pissa are not supported), got ${JSON.stringify(init)}`);
  const cfg: LoraConfig = {
    peft_type: 'LORA',
    task_type: taskTypeFor(model),
    base_model_name_or_path: c.str('base_model_name_or_path', null),
    revision: c.str('revision', null),
    inference_mode: c.bool('inference_mode', false),
    r: c.int('r', 8, 1),
    target_modules: c.strings('target_modules', null) ?? LORA_DEFAULT_TARGETS[model.modelType] ?? null,
    lora_alpha: c.num('lora_alpha', 8, { min: 0, exclusiveMin: true }),
    lora_dropout: c.num('lora_dropout', 0, { min: 0, max: 1 }),
    fan_in_fan_out: c.bool('fan_in_fan_out', false),
    bias: c.oneOf('bias', ['none', 'all', 'lora_only'] as const, 'none'),
    use_rslora: c.bool('use_rslora', false),
    modules_to_save: (c.strings('modules_to_save', null) as string[] | null) ?? null,
    init_lora_weights: init as boolean | 'gaussian',
    layers_to_transform: c.ints('layers_to_transform'),
    layers_pattern: c.strings('layers_pattern', null),
    rank_pattern: c.record('rank_pattern', (v): v is number => Number.isInteger(v) && (v as number) > 0, 'a map of module-name pattern → rank'),
    alpha_pattern: c.record('alpha_pattern', isNum, 'a map of module-name pattern → alpha'),
    megatron_config: null,
    megatron_core: 'megatron.core',
    loftq_config: {},
    use_dora: c.bool('use_dora', false),
    layer_replication: null,

    ...readTrainableTokenIndices(c, model),
  };
  c.ignore('task_type', 'init_lora_weights', 'megatron_config', 'megatron_core', 'loftq_config', 'layer_replication', 'auto_mapping');
  c.rejectUnknown();
  if (cfg.use_dora) throw new UserError(`${where}: 'use_dora': true is not supported (DoRA is not implemented); set it to false`);
  if (raw.layer_replication) throw new UserError(`${where}: 'layer_replication' is not supported`);
  if (cfg.target_modules === null) throw new UserError(`${where}: 'target_modules' is required for model type '${model.modelType}'`);
  return cfg;
}
