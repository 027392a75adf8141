import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { adaloraFormula } from './formula.ts';
import { ADALORA_DEFAULT_TARGETS, parseAdaLoraConfig, type AdaLoraConfig } from './config.ts';
import { adaloraAdapterSize, attachAdaLora } from './model.ts';
import { adaloraCases } from './experimentCases.ts';

/** AdaLoRA (Zhang et al., ICLR 2023): SVD-form LoRA whose rank budget is re-allocated during training, as peft 0.10. */
export const adaloraPlugin: PeftPlugin<AdaLoraConfig> = {
  name: 'adalora',
  peftType: 'ADALORA',
  description: 'SVD-form low-rank update whose ranks are pruned by importance during training',
  defaultTargetModules: ADALORA_DEFAULT_TARGETS,
  parseConfig: parseAdaLoraConfig,
  attach: attachAdaLora,
  adapterSize: adaloraAdapterSize,
  parameterFormula: adaloraFormula,
  experimentCases: adaloraCases,
};
