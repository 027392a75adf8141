import { atLearningRate, LORA_DROPOUT, type CaseContext, type MethodCase } from '../../src/peft/experimentCase.ts';
import { loraLearningRate } from '../lora/experimentCases.ts';

/**
 * AdaLoRA's budget schedule for a run of `steps` optimizer steps: warm up the first 10% at init_r,
 * prune on a cubic schedule, hold the final budget over the last 20%, reallocate every ~5% of steps.
 */
function adaloraSchedule(steps: number): Record<string, number> {
  return { tinit: Math.max(1, Math.round(steps * 0.1)), tfinal: Math.max(1, Math.round(steps * 0.2)), deltaT: Math.max(1, Math.round(steps / 20)) };
}

function adaloraCase(initR: number, targetR: number, lr: number, steps: number): MethodCase {
  return {
    case: `adalora-r${initR}-t${targetR}`,
    method: 'adalora',
    label: `AdaLoRA r ${initR}→${targetR}`,
    peft_config: { init_r: initR, target_r: targetR, lora_alpha: 32, lora_dropout: LORA_DROPOUT, ...adaloraSchedule(steps) },
    learning_rate: lr,
    hyperparameters: { init_r: initR, target_r: targetR, alpha: 32, lr },
  };
}

/** AdaLoRA at the budget 12 → 8 ranks; its grid: the budget 6 → 4, and 12 → 8 at half the rate. */
export function adaloraCases(ctx: CaseContext): MethodCase[] {
  const lr = loraLearningRate(ctx);
  const main = adaloraCase(12, 8, lr, ctx.maxSteps);
  return [main, { ...adaloraCase(6, 4, lr, ctx.maxSteps), grid_point: true }, atLearningRate(main, lr / 2)];
}
