/**
 * Every method on tiny-gpt2 as the resume tests train it: small sizes, and dropout wherever the method
 * has it (the dropout RNG must resume too). AdaLoRA's schedule (tinit, tfinal, deltaT) is left to each
 * test, which squeezes it into its own number of steps.
 */
export const RESUME_METHODS: Readonly<Record<string, Record<string, unknown>>> = {
  lora: { r: 4, lora_alpha: 8, lora_dropout: 0.1 },
  qlora: { r: 4, lora_alpha: 8, lora_dropout: 0.1, target_modules: ['c_attn'] },
  adalora: { init_r: 6, target_r: 3, lora_alpha: 8, lora_dropout: 0.1 },
  ia3: {},
  prompt_tuning: { num_virtual_tokens: 4 },
  prefix_tuning: { num_virtual_tokens: 4, prefix_projection: true, encoder_hidden_size: 16 },
  p_tuning: { num_virtual_tokens: 4, encoder_reparameterization_type: 'LSTM', encoder_hidden_size: 8, encoder_dropout: 0.1 },
  full: {},
};

/** RESUME_METHODS with AdaLoRA's budget schedule set. */
export function resumeMethods(adaloraSchedule: { tinit: number; tfinal: number; deltaT: number }): Record<string, Record<string, unknown>> {
  return { ...RESUME_METHODS, adalora: { ...RESUME_METHODS.adalora, ...adaloraSchedule } };
}
