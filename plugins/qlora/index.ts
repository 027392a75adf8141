import type { LanguageModel } from '../../src/models/registry.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import type { PeftPlugin } from '../../src/peft/plugin.ts';
import { loraFormula } from '../lora/formula.ts';
import { LORA_DEFAULT_TARGETS } from '../lora/config.ts';
import { loraAdapterSize } from '../lora/size.ts';
import { parseQloraConfig, type QloraConfig } from './config.ts';
import { attachQlora } from './model.ts';
import { qloraCases } from './experimentCases.ts';
import { loadOntoQuantizedBase, quantizationFields } from './load.ts';
import { nf4Quantizer } from './quantizer.ts';
import { qloraInfo } from './info.ts';

/**
 * QLoRA: LoRA over an NF4-quantized base. Its peft_type is LORA (that is what it saves); loading a
 * LORA adapter picks the plain LoRA plugin, registered first — see loadQloraModel for a 4-bit base.
 */
export const qloraPlugin: PeftPlugin<QloraConfig> = {
  ...qloraInfo,
  peftType: 'LORA',
  description: 'LoRA adapters (float32) on NF4-quantized frozen base weights',
  defaultTargetModules: LORA_DEFAULT_TARGETS,
  parseConfig: parseQloraConfig,
  attach: attachQlora,
  adapterSize: loraAdapterSize('qlora'),
  quantizer: nf4Quantizer,
  parameterFormula: loraFormula,
  experimentCases: qloraCases,
  inferenceBenchCases: [{ label: 'QLoRA (NF4) r=8', peft_config: { r: 8, lora_alpha: 16 } }],
  load: (base, dir, config) => loadQloraModel(base(), dir, quantizationFields(config)),
};

/**
 * PeftModel.from_pretrained onto a 4-bit base: loads a saved LoRA adapter (ours or Python's, peft_type
 * LORA) over `base` with its linear weights NF4-quantized as `quantization` says (the
 * bnb_4bit_* / quantize_modules fields of the qlora config). loadPeftModel loads the same directory
 * onto a float base.
 */
export function loadQloraModel(base: LanguageModel, dir: string, quantization: Record<string, unknown> = {}, opts: { isTrainable?: boolean } = {}): PeftModel {
  return loadOntoQuantizedBase({ plugin: qloraPlugin, base, dir, quantization, isTrainable: opts.isTrainable });
}
