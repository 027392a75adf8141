import { NUM_VIRTUAL_TOKENS, type MethodCase } from '../../src/peft/experimentCase.ts';

/** Few parameters: prompt methods take large steps (scaled for short CPU runs). */
const LEARNING_RATE = 1e-2;

/** P-tuning with peft's MLP prompt encoder. */
export function pTuningCases(): MethodCase[] {
  return [
    {
      case: `p_tuning-${NUM_VIRTUAL_TOKENS}`,
      method: 'p_tuning',
      label: `P-tuning (${NUM_VIRTUAL_TOKENS} tokens, MLP)`,
      peft_config: { num_virtual_tokens: NUM_VIRTUAL_TOKENS, encoder_reparameterization_type: 'MLP', encoder_hidden_size: 128 },
      learning_rate: LEARNING_RATE,
      hyperparameters: { virtual_tokens: NUM_VIRTUAL_TOKENS, encoder: 'MLP h=128', lr: LEARNING_RATE },
    },
  ];
}
