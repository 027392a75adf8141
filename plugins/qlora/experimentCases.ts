import { LORA_DROPOUT, type CaseContext, type MethodCase } from '../../src/peft/experimentCase.ts';
import { loraLearningRate } from '../lora/experimentCases.ts';

/** QLoRA at the reference LoRA setting (r=8, α=16) on an NF4 base with double quantization. */
export function qloraCases(ctx: CaseContext): MethodCase[] {
  const lr = loraLearningRate(ctx);
  return [
    {
      case: 'qlora-r8-a16',
      method: 'qlora',
      label: 'QLoRA (NF4) r=8 α=16',
      peft_config: { r: 8, lora_alpha: 16, lora_dropout: LORA_DROPOUT, bnb_4bit_quant_type: 'nf4', bnb_4bit_use_double_quant: true },
      learning_rate: lr,
      hyperparameters: { r: 8, alpha: 16, quant: 'nf4+dq', lr },
    },
  ];
}
