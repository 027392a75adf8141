import { ConfigReader } from '../../src/util/configReader.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { UserError } from '../../src/util/errors.ts';
import { readPromptLearningFields, type PromptLearningConfig } from '../../src/peft/promptLearning/config.ts';

/** peft 0.10's PrefixTuningConfig. */
export interface PrefixTuningConfig extends PromptLearningConfig {
  peft_type: 'PREFIX_TUNING';
  /** Hidden size of the projection MLP; defaults to token_dim (peft's _prepare_prompt_learning_config). */
  encoder_hidden_size: number;
  /** Reparameterize the prefix with embedding → Linear → Tanh → Linear (Li & Liang, 2021). */
  prefix_projection: boolean;
}

/** The attention layout the prefixes must fit: heads, head size, and how many layers read a prefix. */
export function attentionLayout(model: LanguageModel): { heads: number; headDim: number; layers: number } {
  const c = model.config as Record<string, number | undefined>;
  const heads = c.num_attention_heads ?? c.n_head ?? c.num_heads ?? 0;
  const hidden = c.hidden_size ?? c.n_embd ?? c.d_model ?? 0;
  const headDim = c.d_kv ?? hidden / heads;
  const layers = model.isEncoderDecoder ? (c.num_decoder_layers ?? c.num_layers ?? 0) : (c.num_hidden_layers ?? c.n_layer ?? c.num_layers ?? 0);
  return { heads, headDim, layers };
}

export function parsePrefixTuningConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): PrefixTuningConfig {
  const c = new ConfigReader(raw, where);
  const base = readPromptLearningFields(c, model, 'PREFIX_TUNING');
  const cfg: PrefixTuningConfig = {
    ...base,
    encoder_hidden_size: c.int('encoder_hidden_size', base.token_dim, 1),
    prefix_projection: c.bool('prefix_projection', false),
  };
  c.rejectUnknown();
  // peft views the table as [num_layers·2, heads, token_dim / heads]: it must be the model's K/V shape.
  const { heads, headDim, layers } = attentionLayout(model);
  if (cfg.num_attention_heads !== heads)
    throw new UserError(`${where}: 'num_attention_heads' must equal the model's ${heads} attention heads for prefix tuning, got ${cfg.num_attention_heads}`);
  if (heads * headDim !== cfg.token_dim)
    throw new UserError(`${where}: prefix tuning needs heads × head size = hidden size, but ${model.modelType} has ${heads} × ${headDim} ≠ ${cfg.token_dim}`);
  if (cfg.num_layers < layers) throw new UserError(`${where}: 'num_layers' must be at least the ${layers} layers that take a prefix, got ${cfg.num_layers}`);
  if (model.isEncoderDecoder && cfg.num_transformer_submodules !== 2)
    throw new UserError(
      `${where}: 'num_transformer_submodules' must be 2 for the encoder-decoder '${model.modelType}' (decoder self- and cross-attention prefixes), got ${cfg.num_transformer_submodules}`,
    );
  return cfg;
}
