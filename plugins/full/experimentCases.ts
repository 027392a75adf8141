import type { ModelFamilyName } from '../../src/models/registry.ts';
import { atLearningRate, SHORT_RUN_STEPS, type CaseContext, type MethodCase } from '../../src/peft/experimentCase.ts';

/**
 * Full fine-tuning by family. GPT-2, swept on the standard translation budget (1,000 steps × 32
 * pairs, gpt2-micro, chrF): 19.6 at 5e-4, 23.6 at 1e-3, 26.6 at 2e-3, with plain AdamW. T5's weights
 * differ in scale by two orders of magnitude (embeddings N(0, 1), attention N(0, 1/128)), so it is
 * fine-tuned with steps relative to each tensor's RMS (adamw_scale, as Adafactor's scale_parameter,
 * the optimizer T5 was made with): 2e-2 moves every tensor by about 2% of its size per step. On the
 * same budget (t5-micro, chrF on the everyday test pairs): with dropout 0.1, 9.1 at 1e-3, 13.0 at
 * 1e-2, 13.3 at 3e-2; with dropout 0 (what t5-micro ships), 15.0 at 1e-2 with 5.0% of all outputs
 * degenerate, 15.5 at 2e-2 with 2.2%.
 */
const FULL: Readonly<Record<ModelFamilyName, { lr: number; optim?: string }>> = {
  gpt2: { lr: 2e-3 },
  t5: { lr: 2e-2, optim: 'adamw_scale' },
};

/**
 * The rates for runs shorter than SHORT_RUN_STEPS (the smoke profile's dozen steps of 8 pairs): there
 * GPT-2 at 2e-3 first raises the held-out loss (4.64 → 4.84 in 12 steps) while 5e-4 lowers it from
 * the first steps (4.7%); T5 at 2e-2 raises it (5.32 → 5.65) while 1e-3 lowers it.
 */
const SHORT_RUN_LR: Readonly<Record<ModelFamilyName, number>> = { gpt2: 5e-4, t5: 1e-3 };

function fullSetting(ctx: CaseContext): { lr: number; optim?: string } {
  const full = FULL[ctx.family];
  return ctx.maxSteps < SHORT_RUN_STEPS ? { ...full, lr: SHORT_RUN_LR[ctx.family] } : full;
}

/** Full fine-tuning: the baseline every method is compared against; its grid, the rate halved. */
export function fullCases(ctx: CaseContext): MethodCase[] {
  const full = fullSetting(ctx);
  const main: MethodCase = {
    case: 'full',
    method: 'full',
    label: 'full fine-tuning',
    peft_config: {},
    learning_rate: full.lr,
    ...(full.optim ? { optim: full.optim } : {}),
    hyperparameters: { lr: full.lr, ...(full.optim ? { optim: full.optim } : {}) },
    reference: true,
  };
  return [main, atLearningRate(main, full.lr / 2)];
}
