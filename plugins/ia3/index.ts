import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { ia3Formula } from './formula.ts';
import { IA3_DEFAULT_TARGETS, parseIa3Config, type IA3Config } from './config.ts';
import { attachIa3 } from './model.ts';
import { ia3Cases } from './experimentCases.ts';
import { ia3Info } from './info.ts';

/** (IA)³, Liu et al. 2022 ("Few-Shot Parameter-Efficient Fine-Tuning is Better and Cheaper than In-Context Learning"), as peft 0.10. */
export const ia3Plugin: PeftPlugin<IA3Config> = {
  ...ia3Info,
  peftType: 'IA3',
  description: 'learned vectors rescaling attention outputs and feed-forward inputs',
  defaultTargetModules: IA3_DEFAULT_TARGETS,
  parseConfig: parseIa3Config,
  attach: attachIa3,
  parameterFormula: ia3Formula,
  experimentCases: ia3Cases,
  inferenceBenchCases: [{ label: 'IA³', peft_config: {} }],
};
