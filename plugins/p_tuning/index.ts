import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { pTuningFormula } from './formula.ts';
import { parsePromptEncoderConfig, type PromptEncoderConfig } from './config.ts';
import { pTuningAdapterSize } from './encoder.ts';
import { attachPTuning } from './model.ts';
import { pTuningCases } from './experimentCases.ts';
import { pTuningInfo } from './info.ts';

/** P-tuning (v1, Liu et al., 2021) as peft 0.10: a prompt encoder (MLP or LSTM) makes the virtual tokens. */
export const pTuningPlugin: PeftPlugin<PromptEncoderConfig> = {
  ...pTuningInfo,
  peftType: 'P_TUNING',
  description: 'virtual tokens produced by a trainable MLP/LSTM prompt encoder, prepended to the input',
  parseConfig: parsePromptEncoderConfig,
  attach: attachPTuning,
  adapterSize: pTuningAdapterSize,
  parameterFormula: pTuningFormula,
  experimentCases: pTuningCases,
  inferenceBenchCases: [{ label: 'P-tuning (20 tokens)', peft_config: { num_virtual_tokens: 20, encoder_hidden_size: 128 } }],
};
