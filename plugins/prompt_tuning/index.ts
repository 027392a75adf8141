import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { promptTuningFormula } from './formula.ts';
import { virtualTokensField } from '../../src/peft/promptLearning/config.ts';
import { parsePromptTuningConfig, type PromptTuningConfig } from './config.ts';
import { attachPromptTuning } from './model.ts';
import { promptTuningCases } from './experimentCases.ts';
import { promptTuningInfo } from './info.ts';

/** Prompt tuning (Lester et al., 2021) as peft 0.10: learned virtual tokens prepended to the input. */
export const promptTuningPlugin: PeftPlugin<PromptTuningConfig> = {
  ...promptTuningInfo,
  peftType: 'PROMPT_TUNING',
  description: 'num_virtual_tokens learned embeddings prepended to the input (encoder side for T5)',
  parseConfig: parsePromptTuningConfig,
  attach: attachPromptTuning,
  // The table: num_virtual_tokens rows per transformer submodule, token_dim wide.
  adapterSize: (config) => ({
    fields: [virtualTokensField(config)],
    parameters: ([n]) => n! * config.num_transformer_submodules * config.token_dim,
    virtualTokens: virtualTokensField(config),
  }),
  parameterFormula: promptTuningFormula,
  experimentCases: promptTuningCases,
  inferenceBenchCases: [{ label: 'prompt tuning (20 tokens)', peft_config: { num_virtual_tokens: 20 } }],
};
