import { ConfigReader } from '../../src/util/configReader.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { readPromptLearningFields, type PromptLearningConfig } from '../../src/peft/promptLearning/config.ts';

export const REPARAMETERIZATION_TYPES = ['MLP', 'LSTM'] as const;

/** peft 0.10's PromptEncoderConfig (P-tuning). */
export interface PromptEncoderConfig extends PromptLearningConfig {
  peft_type: 'P_TUNING';
  encoder_reparameterization_type: (typeof REPARAMETERIZATION_TYPES)[number];
  /** Defaults to token_dim, as peft's _prepare_prompt_learning_config. */
  encoder_hidden_size: number;
  /** LSTM layers; peft ignores it for MLP (always two hidden layers) and so do we. */
  encoder_num_layers: number;
  /** Dropout between LSTM layers (peft applies none in the MLP). */
  encoder_dropout: number;
}

export function parsePromptEncoderConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): PromptEncoderConfig {
  const c = new ConfigReader(raw, where);
  const base = readPromptLearningFields(c, model, 'P_TUNING');
  const cfg: PromptEncoderConfig = {
    ...base,
    encoder_reparameterization_type: c.oneOf('encoder_reparameterization_type', REPARAMETERIZATION_TYPES, 'MLP'),
    encoder_hidden_size: c.int('encoder_hidden_size', base.token_dim, 1),
    encoder_num_layers: c.int('encoder_num_layers', 2, 1),
    encoder_dropout: c.num('encoder_dropout', 0, { min: 0, max: 1 }),
  };
  c.rejectUnknown();
  return cfg;
}
