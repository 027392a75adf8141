import { atLearningRate, NUM_VIRTUAL_TOKENS, type MethodCase } from '../../src/peft/experimentCase.ts';

/** Few parameters: prompt methods take large steps (scaled for short CPU runs). */
const LEARNING_RATE = 1e-2;

function prefixTuningCase(tokens: number): MethodCase {
  return {
    case: `prefix_tuning-${tokens}`,
    method: 'prefix_tuning',
    label: `prefix tuning (${tokens} tokens)`,
    peft_config: { num_virtual_tokens: tokens, prefix_projection: false },
    learning_rate: LEARNING_RATE,
    hyperparameters: { virtual_tokens: tokens, projection: false, lr: LEARNING_RATE },
  };
}

/**
 * Prefix tuning without the reparameterization MLP (peft's prefix_projection=False); its grid: half
 * the prefix length, and half the rate.
 */
export function prefixTuningCases(): MethodCase[] {
  const main = prefixTuningCase(NUM_VIRTUAL_TOKENS);
  return [main, { ...prefixTuningCase(NUM_VIRTUAL_TOKENS / 2), grid_point: true }, atLearningRate(main, LEARNING_RATE / 2)];
}
