import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { loraFormula } from './formula.ts';
import { LORA_DEFAULT_TARGETS, parseLoraConfig, type LoraConfig } from './config.ts';
import { attachLora } from './model.ts';
import { loraAdapterSize } from './size.ts';
import { loraCases } from './experimentCases.ts';
import { loraInferenceBench, loraTrainBench } from './benchCases.ts';
import { loraInfo } from './info.ts';

/** LoRA (Hu et al., 2021) with rsLoRA scaling (Kalajdzievski, 2023), as peft 0.10. */
export const loraPlugin: PeftPlugin<LoraConfig> = {
  ...loraInfo,
  peftType: 'LORA',
  description: 'low-rank update B·A added to the targeted linear layers',
  defaultTargetModules: LORA_DEFAULT_TARGETS,
  parseConfig: parseLoraConfig,
  attach: attachLora,
  adapterSize: loraAdapterSize('lora'),
  parameterFormula: loraFormula,
  experimentCases: loraCases,
  trainBenchCase: loraTrainBench,
  inferenceBenchCases: loraInferenceBench,
};
