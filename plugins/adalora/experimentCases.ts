import { LORA_DROPOUT, type CaseContext, type MethodCase } from '../../src/peft/experimentCase.ts';
import { loraLearningRate } from '../lora/experimentCases.ts';

/**
 * AdaLoRA's budget schedule for a run of `steps` optimizer steps: warm up the first 10% at init_r,
 * prune on a cubic schedule, hold the final budget over the last 20%, reallocate every ~5% of steps.
 */
function adaloraSchedule(steps: number): Record<string, number> {
  return { tinit: Math.max(1, Math.round(steps * 0.1)), tfinal: Math.max(1, Math.round(steps * 0.2)), deltaT: Math.max(1, Math.round(steps / 20)) };
}

/** AdaLoRA at two budgets: ranks 12 → 8 and 6 → 4. */
export function adaloraCases(ctx: CaseContext): MethodCase[] {
  const lr = loraLearningRate(ctx);
  return (
    [
      [12, 8],
      [6, 4],
    ] as const
  ).map(([initR, targetR]) => ({
    case: `adalora-r${initR}-t${targetR}`,
    method: 'adalora',
    label: `AdaLoRA r ${initR}→${targetR}`,
    peft_config: { init_r: initR, target_r: targetR, lora_alpha: 32, lora_dropout: LORA_DROPOUT, ...adaloraSchedule(ctx.maxSteps) },
    learning_rate: lr,
    hyperparameters: { init_r: initR, target_r: targetR, alpha: 32, lr },
  }));
}
