import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { adaloraFormula } from './formula.ts';
import { ADALORA_DEFAULT_TARGETS, parseAdaLoraConfig, type AdaLoraConfig } from './config.ts';
import { adaloraAdapterSize, attachAdaLora } from './model.ts';
import { adaloraCases } from './experimentCases.ts';
import { adaloraInfo } from './info.ts';

/** AdaLoRA (Zhang et al., ICLR 2023): SVD-form LoRA whose rank budget is re-allocated during training, as peft 0.10. */
export const adaloraPlugin: PeftPlugin<AdaLoraConfig> = {
  ...adaloraInfo,
  peftType: 'ADALORA',
  description: 'SVD-form low-rank update whose ranks are pruned by importance during training',
  defaultTargetModules: ADALORA_DEFAULT_TARGETS,
  parseConfig: parseAdaLoraConfig,
  attach: attachAdaLora,
  adapterSize: adaloraAdapterSize,
  parameterFormula: adaloraFormula,
  experimentCases: adaloraCases,
  inferenceBenchCases: [{ label: 'AdaLoRA r=12', peft_config: { init_r: 12, target_r: 8, total_step: 100 } }],
};
