/**
 * The ExperimentRunSpec of one case of a suite block. A block is a plan — the data, the training budget
 * and the decoding length — run over every method case on one base model: the task's main block
 * (its corpus, the profile's sizes for the task) or another block such as the news blocks
 * (src/experiment/newsBlocks.ts). Every case of a block gets the same plan, so the comparison is fair.
 */
import type { Task } from '../data/index.ts';
import type { BaseModel, ModelFamilyName } from './baseModels.ts';
import { methodCases, referenceCases, type MethodCase } from './methods.ts';
import { MAIN_DECODING, type BlockCases, type Profile } from './profile.ts';
import type { BlockRecord } from './results.ts';
import { BASE_METHOD, type ExperimentData, type ExperimentRunSpec } from './run.ts';
import { taskCorpus } from './taskCorpus.ts';
import { templateTokenIds } from './templateTokens.ts';

export interface BlockPlan {
  /** Absent for the task's main block. */
  block?: BlockRecord;
  data: ExperimentData;
  max_steps: number;
  batch_size: number;
  max_new_tokens: number;
  /** Which cases run (absent: every case); see BlockCases. */
  cases?: Exclude<BlockCases, 'all'>;
  /**
   * The block whose trained cases this one scores instead of training its own (a transfer block: the
   * main block's models on another corpus's test split). Each case is trained once, as that block's.
   */
  trained_by?: BlockPlan;
}

/**
 * The method cases the block runs, in grid order: every registered method's whole grid, each method's
 * main setting only (`main`), or the reference cases only (`reference`).
 */
export function blockCases(task: Task, family: ModelFamilyName, profile: Profile, plan: BlockPlan): MethodCase[] {
  const all = methodCases(task, family, profile, plan.max_steps);
  if (plan.cases === 'reference') return referenceCases(all);
  return plan.cases === 'main' ? all.filter((c) => !c.grid_point) : all;
}

/** The task's main block: its corpus (real when present, else synthetic) with the profile's sizes. */
export function mainPlan(task: Task, profile: Profile, dataDir: string | null): BlockPlan {
  const sizes = profile.sizes[task];
  return {
    data: {
      name: taskCorpus(task, dataDir),
      dataDir,
      train_examples: sizes.train_examples,
      validation_examples: sizes.validation_examples,
      test_examples: sizes.test_examples,
      max_length: sizes.max_length,
      max_target_length: sizes.max_target_length,
      ...(sizes.domains ? { domains: sizes.domains } : {}),
      ...(sizes.max_tokens ? { max_tokens: sizes.max_tokens } : {}),
    },
    max_steps: sizes.max_steps,
    batch_size: sizes.batch_size,
    max_new_tokens: sizes.max_new_tokens,
    ...(profile.method_grid === 'main' ? { cases: 'main' as const } : {}),
  };
}

export interface CaseArgs {
  task: Task;
  family: ModelFamilyName;
  profile: Profile;
  plan: BlockPlan;
  /** undefined: the untuned base. */
  c: MethodCase | undefined;
  /** The case's place in the block (the report orders rows by it). */
  order: number;
  model: BaseModel;
  peftConfig: Record<string, unknown>;
}

/**
 * The case's peft_config as run on the base model: prompt tuning's TEXT init reads the base model's
 * tokenizer (only its cases have the field), and a case with `train_template_tokens` trains the
 * template's special-token rows (`trainable_token_indices`) on a decoder-only base.
 */
export function casePeftConfig(c: MethodCase | undefined, model: Pick<BaseModel, 'dir'>): Record<string, unknown> {
  const peftConfig = { ...(c?.peft_config ?? {}) };
  if (peftConfig.prompt_tuning_init === 'TEXT') peftConfig.tokenizer_name_or_path = model.dir;
  const templateIds = c?.train_template_tokens ? templateTokenIds(model.dir, null) : undefined;
  if (templateIds) peftConfig.trainable_token_indices = templateIds;
  return peftConfig;
}

/** The run spec of one case: `<task>/<family>/[<block id>/]<case>`. */
export function blockCaseSpec(args: CaseArgs): ExperimentRunSpec {
  const { task, family, profile, plan, c, order, model, peftConfig } = args;
  const blockPath = plan.block ? `${plan.block.id}/` : '';
  // The untuned base trains nothing: every block evaluates it itself.
  const trainedBy = plan.trained_by && c ? { trained_by: blockCaseSpec({ ...args, plan: plan.trained_by }) } : {};
  return {
    id: `${task}/${family}/${blockPath}${c?.case ?? BASE_METHOD}`,
    ...(plan.block ? { block: plan.block } : {}),
    order,
    label: c?.label ?? 'untuned base',
    hyperparameters: c?.hyperparameters ?? {},
    ...(c?.table_group ? { table_group: c.table_group } : {}),
    ...(c?.grid_point ? { grid_point: true } : {}),
    task,
    profile: profile.name,
    model,
    data: plan.data,
    method: c?.method ?? BASE_METHOD,
    peft_config: peftConfig,
    training_args: trainingArgs(profile, plan, c),
    seed: BLOCK_SEED,
    decoding: { ...MAIN_DECODING[task], max_new_tokens: plan.max_new_tokens },
    evaluation: { bootstrap_samples: profile.bootstrap_samples, examples_shown: profile.examples_shown, generation_batch_size: profile.generation_batch_size },
    ...trainedBy,
  };
}

/** The seed of every suite experiment. */
export const BLOCK_SEED = 42;

/** The block's TrainingArguments: the same steps and schedule for every case, the case's learning rate and optimizer. */
function trainingArgs(profile: Profile, plan: BlockPlan, c: MethodCase | undefined): ExperimentRunSpec['training_args'] {
  return {
    max_steps: plan.max_steps,
    per_device_train_batch_size: plan.batch_size,
    per_device_eval_batch_size: plan.batch_size,
    ...(profile.group_by_length ? { group_by_length: true } : {}),
    learning_rate: c?.learning_rate ?? 0,
    ...(c?.optim ? { optim: c.optim } : {}),
    warmup_ratio: profile.warmup_ratio,
    lr_scheduler_type: 'linear',
    weight_decay: 0,
    max_grad_norm: 1,
    logging_steps: 1,
    save_steps: 0,
    eval_steps: 0,
  };
}
