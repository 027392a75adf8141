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

/** The case every comparison refers to (LoRA r=8, α=16: peft's example setting). */
export const REFERENCE_LORA_CASE = 'lora-r8-a16';
/**
 * Full fine-tuning's case (its id as plugins/full declares it): the other reference. The suites
 * compare against it by this id; until they take their reference cases from the plugins, the id is
 * spelled here too (the one method name test/architecture/methodNames.test.ts allows outside plugins/).
 */
export const FULL_CASE = 'full';

/** Every registered method's cases, in registration order (cache keys and the report follow it). */
export function methodCases(task: Task, family: ModelFamilyName, profile: Profile): MethodCase[] {
  const ctx = { task, family, maxSteps: profile.sizes[task].max_steps, loraGrid: profile.lora_grid };
  return listPlugins().flatMap((p) => p.experimentCases?.(ctx) ?? []);
}
