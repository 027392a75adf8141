import type { ConfigReader } from '../../util/configReader.ts';
import { taskTypeFor, type PeftConfigBase, type SizeField } from '../plugin.ts';
import type { LanguageModel } from '../../models/registry.ts';
import { UserError } from '../../util/errors.ts';

/**
 * peft 0.10's PromptLearningConfig: the fields prompt tuning, prefix tuning and P-tuning share. The
 * architecture fields default from the model config exactly as peft's
 * `_prepare_prompt_learning_config` reads them, and are written back to adapter_config.json.
 */
export interface PromptLearningConfig extends PeftConfigBase {
  auto_mapping: Record<string, unknown> | null;
  num_virtual_tokens: number;
  token_dim: number;
  /** 2 for encoder-decoder models (encoder and decoder), 1 for decoder-only. */
  num_transformer_submodules: number;
  num_attention_heads: number;
  num_layers: number;
}

/** The first of `keys` present in the model config (peft's lookup order), if any. */
function fromModelConfig(model: LanguageModel, keys: string[]): number | undefined {
  const cfg = model.config as Record<string, unknown>;
  for (const k of keys) if (typeof cfg[k] === 'number') return cfg[k] as number;
  return undefined;
}

/** Reads the shared fields (marking them used in `c`); `peftType` is the subclass's peft_type. */
export function readPromptLearningFields<T extends string>(c: ConfigReader, model: LanguageModel, peftType: T): PromptLearningConfig & { peft_type: T } {
  const where = c.where;
  c.oneOf('peft_type', [peftType], peftType);
  if (!c.has('num_virtual_tokens'))
    throw new UserError(`${where}: 'num_virtual_tokens' is required (how many virtual tokens to learn, an integer >= 1, e.g. 20)`);
  const dflt = (field: string, keys: string[]): number => {
    const v = fromModelConfig(model, keys);
    if (v === undefined && !c.has(field)) throw new UserError(`${where}: '${field}' is required: the ${model.modelType} config has none of ${keys.join(', ')}`);
    return c.int(field, v ?? 0, 1);
  };
  const seq2seq = model.isEncoderDecoder;
  const cfg = {
    peft_type: peftType,
    auto_mapping: null,
    base_model_name_or_path: c.str('base_model_name_or_path', null),
    revision: c.str('revision', null),
    task_type: taskTypeFor(model),
    inference_mode: c.bool('inference_mode', false),
    num_virtual_tokens: c.int('num_virtual_tokens', 0, 1),
    token_dim: dflt('token_dim', ['hidden_size', 'n_embd', 'd_model']),
    num_transformer_submodules: c.int('num_transformer_submodules', seq2seq ? 2 : 1, 1),
    num_attention_heads: dflt('num_attention_heads', ['num_attention_heads', 'n_head', 'num_heads']),
    num_layers: dflt('num_layers', ['num_hidden_layers', 'num_layers', 'n_layer']),
  };
  c.ignore('task_type', 'auto_mapping');
  const hidden = fromModelConfig(model, ['hidden_size', 'n_embd', 'd_model']);
  if (hidden !== undefined && cfg.token_dim !== hidden)
    throw new UserError(
      `${where}: 'token_dim' must equal the model's hidden size ${hidden} (virtual tokens live in its embedding space), got ${cfg.token_dim}`,
    );
  if (!seq2seq && cfg.num_transformer_submodules !== 1)
    throw new UserError(
      `${where}: 'num_transformer_submodules' must be 1 for the decoder-only model '${model.modelType}', got ${cfg.num_transformer_submodules}`,
    );
  if (cfg.num_transformer_submodules > 2)
    throw new UserError(`${where}: 'num_transformer_submodules' must be 1 or 2 (encoder, or encoder and decoder), got ${cfg.num_transformer_submodules}`);
  return cfg;
}

/** num_virtual_tokens as a size field: it sizes the table, and the virtual tokens take positions. */
export function virtualTokensField(c: PromptLearningConfig): SizeField {
  return { field: 'num_virtual_tokens', value: c.num_virtual_tokens, min: 1 };
}

/** Parameters of a torch nn.Linear(in, out) with bias. */
export const linearParameters = (inFeatures: number, outFeatures: number): number => inFeatures * outFeatures + outFeatures;

/** Rows of the virtual-token table: one block of num_virtual_tokens per transformer submodule. */
export function totalVirtualTokens(c: PromptLearningConfig): number {
  return c.num_virtual_tokens * c.num_transformer_submodules;
}
