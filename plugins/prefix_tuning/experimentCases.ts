import { NUM_VIRTUAL_TOKENS, type MethodCase } from '../../src/peft/experimentCase.ts';

/** Few parameters: prompt methods take large steps (scaled for short CPU runs). */
const LEARNING_RATE = 1e-2;

/** Prefix tuning without the reparameterization MLP (peft's prefix_projection=False). */
export function prefixTuningCases(): MethodCase[] {
  return [
    {
      case: `prefix_tuning-${NUM_VIRTUAL_TOKENS}`,
      method: 'prefix_tuning',
      label: `prefix tuning (${NUM_VIRTUAL_TOKENS} tokens)`,
      peft_config: { num_virtual_tokens: NUM_VIRTUAL_TOKENS, prefix_projection: false },
      learning_rate: LEARNING_RATE,
      hyperparameters: { virtual_tokens: NUM_VIRTUAL_TOKENS, projection: false, lr: LEARNING_RATE },
    },
  ];
}
