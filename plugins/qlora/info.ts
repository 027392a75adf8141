import type { MethodInfo } from '../../src/peft/methodInfo.ts';

const MB = 2 ** 20;

export const qloraInfo: MethodInfo = {
  name: 'qlora',
  title: 'QLoRA',
  isBaseline: false,
  isPromptLearning: false,
  // The NF4 storage of the frozen base against float32 (quantizedWeightsReport in model.ts).
  summaryFacts(s) {
    if (typeof s.quantized_bytes !== 'number') return null;
    const bits = typeof s.bits_per_param === 'number' ? s.bits_per_param.toFixed(2) : '?';
    const float32 = (4 * Number(s.quantized_params)) / MB;
    return `NF4 base weights: ${(s.quantized_bytes / MB).toFixed(2)} MB for ${String(s.quantized_params)} weights (${bits} bits/weight; float32 would be ${float32.toFixed(2)} MB)`;
  },
};
