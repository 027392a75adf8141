import { atLearningRate, LORA_DROPOUT, type CaseContext, type MethodCase } from '../../src/peft/experimentCase.ts';
import { loraLearningRate } from '../lora/experimentCases.ts';

/** QLoRA on an NF4 base with double quantization. */
function qloraCase(r: number, lr: number): MethodCase {
  const alpha = 2 * r;
  return {
    case: `qlora-r${r}-a${alpha}`,
    method: 'qlora',
    label: `QLoRA (NF4) r=${r} α=${alpha}`,
    peft_config: { r, lora_alpha: alpha, lora_dropout: LORA_DROPOUT, bnb_4bit_quant_type: 'nf4', bnb_4bit_use_double_quant: true },
    learning_rate: lr,
    hyperparameters: { r, alpha, quant: 'nf4+dq', lr },
  };
}

/** QLoRA at the reference LoRA setting (r=8, α=16); its grid: r=16 α=32, and r=8 at half the rate. */
export function qloraCases(ctx: CaseContext): MethodCase[] {
  const lr = loraLearningRate(ctx);
  const main = qloraCase(8, lr);
  return [main, { ...qloraCase(16, lr), grid_point: true }, atLearningRate(main, lr / 2)];
}
