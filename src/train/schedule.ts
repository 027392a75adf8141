import type { SchedulerType } from './arguments.ts';

/** transformers' get_scheduler lambdas: the learning-rate multiplier for optimizer step `step` (0-based). */
export function lrMultiplier(type: SchedulerType, step: number, warmup: number, total: number): number {
  if (type === 'constant') return 1;
  if (step < warmup) return step / Math.max(1, warmup);
  if (type === 'constant_with_warmup') return 1;
  const progress = (step - warmup) / Math.max(1, total - warmup);
  if (type === 'linear') return Math.max(0, (total - step) / Math.max(1, total - warmup));
  // cosine with num_cycles = 0.5
  return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 2 * 0.5 * progress)));
}

/** HF's get_warmup_steps: warmup_steps wins over warmup_ratio. */
export function warmupSteps(warmupSteps: number, warmupRatio: number, total: number): number {
  return warmupSteps > 0 ? warmupSteps : Math.ceil(total * warmupRatio);
}
