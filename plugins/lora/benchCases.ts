import type { InferenceBenchCase, TrainBenchCase } from '../../src/peft/benchCase.ts';

/** r=8, α=16: peft's example setting, as the grid's reference case. */
const R8 = { r: 8, lora_alpha: 16 };

/**
 * On each model's default targets in peft: GPT-2's fused q/k/v (PyTorch was measured on the same) and
 * T5's query and value projections, in self- and cross-attention alike.
 */
export const loraTrainBench: TrainBenchCase = {
  gpt2: { peft_config: { ...R8, target_modules: ['c_attn'] }, note: 'plugins/lora r=8 alpha=16 on c_attn' },
  t5: { peft_config: { ...R8, target_modules: ['q', 'v'] }, note: 'plugins/lora r=8 alpha=16 on q,v' },
};

/** Unmerged (the adapter's math in every forward, also without the KV cache) against merged into the base weights. */
export const loraInferenceBench: InferenceBenchCase[] = [
  { label: 'LoRA r=8 unmerged', peft_config: R8, withoutCache: true },
  { label: 'LoRA r=8 merged', peft_config: R8, merge: true },
];
