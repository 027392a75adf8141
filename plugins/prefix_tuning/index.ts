import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { prefixTuningFormula } from './formula.ts';
import { parsePrefixTuningConfig, type PrefixTuningConfig } from './config.ts';
import { prefixAdapterSize } from './encoder.ts';
import { attachPrefixTuning } from './model.ts';
import { prefixTuningCases } from './experimentCases.ts';
import { prefixTuningInfo, pTuningV2Info } from './info.ts';

/** Prefix tuning (Li & Liang, 2021) as peft 0.10: learned key/value prefixes in every attention layer. */
export const prefixTuningPlugin: PeftPlugin<PrefixTuningConfig> = {
  ...prefixTuningInfo,
  peftType: 'PREFIX_TUNING',
  description: 'learned key/value prefixes in every attention layer (optionally reparameterized by an MLP)',
  parseConfig: parsePrefixTuningConfig,
  attach: attachPrefixTuning,
  adapterSize: prefixAdapterSize,
  parameterFormula: prefixTuningFormula,
  experimentCases: prefixTuningCases,
  inferenceBenchCases: [{ label: 'prefix tuning (20 tokens)', peft_config: { num_virtual_tokens: 20 } }],
};

/**
 * P-tuning v2 (Liu et al., 2022) is prefix tuning with deep prompts on every layer: the same method
 * under the name users of that paper know. It saves as PREFIX_TUNING, so peft loads it.
 */
export const pTuningV2Plugin: PeftPlugin<PrefixTuningConfig> = {
  ...prefixTuningPlugin,
  ...pTuningV2Info,
  description: 'P-tuning v2: deep prompts (key/value prefixes) on every layer — prefix tuning under its paper name',
  // The grid and the benchmark run this method once, as prefix_tuning.
  experimentCases: () => [],
  inferenceBenchCases: [],
};
