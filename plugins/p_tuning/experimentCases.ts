import { atLearningRate, NUM_VIRTUAL_TOKENS, type MethodCase } from '../../src/peft/experimentCase.ts';

/** Few parameters: prompt methods take large steps (scaled for short CPU runs). */
const LEARNING_RATE = 1e-2;

function pTuningCase(tokens: number): MethodCase {
  return {
    case: `p_tuning-${tokens}`,
    method: 'p_tuning',
    label: `P-tuning (${tokens} tokens, MLP)`,
    peft_config: { num_virtual_tokens: tokens, encoder_reparameterization_type: 'MLP', encoder_hidden_size: 128 },
    learning_rate: LEARNING_RATE,
    hyperparameters: { virtual_tokens: tokens, encoder: 'MLP h=128', lr: LEARNING_RATE },
  };
}

/** P-tuning with peft's MLP prompt encoder; its grid: half the prompt length, and half the rate. */
export function pTuningCases(): MethodCase[] {
  const main = pTuningCase(NUM_VIRTUAL_TOKENS);
  return [main, { ...pTuningCase(NUM_VIRTUAL_TOKENS / 2), grid_point: true }, atLearningRate(main, LEARNING_RATE / 2)];
}
