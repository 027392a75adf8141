/**
 * The grid each suite block runs: every registered method's cases (LoRA over the profile's r × α
 * grid, QLoRA, AdaLoRA at two budgets, IA³, prompt tuning, prefix tuning, P-tuning and full
 * fine-tuning), each plugin giving its own hyperparameters and learning rates.
 *
 * Learning rates follow each method's usual range (the papers' and peft's examples), scaled for short
 * CPU runs: adapters with few parameters and a zero or identity start (prompt methods, IA³) take
 * large steps; full fine-tuning takes small ones. Every method gets the same number of optimizer
 * steps and the same data, so the comparison is per step budget.
 */
import type { Task } from '../data/index.ts';
import type { MethodCase } from '../peft/experimentCase.ts';
import { listPlugins } from '../peft/plugin.ts';
import type { ModelFamilyName } from './baseModels.ts';
import type { Profile } from './profile.ts';

export type { MethodCase } from '../peft/experimentCase.ts';

/** The cases the plugins mark as references: every other case is compared against each of them. */
export function referenceCases(cases: readonly MethodCase[]): MethodCase[] {
  return cases.filter((c) => c.reference === true);
}

/**
 * Every registered method's cases, in registration order (cache keys and the report follow it).
 * `maxSteps`: the block's training steps, when not the task's (AdaLoRA schedules its budget by them).
 */
export function methodCases(task: Task, family: ModelFamilyName, profile: Profile, maxSteps = profile.sizes[task].max_steps): MethodCase[] {
  const ctx = { task, family, maxSteps, loraGrid: profile.lora_grid };
  return listPlugins().flatMap((p) => p.experimentCases?.(ctx) ?? []);
}
