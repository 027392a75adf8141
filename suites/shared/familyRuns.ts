/**
 * The experiments of one suite block (a task on one base model family), run lazily and once: the
 * untuned baseline, then each method case on demand. The block's tests share one instance, so later
 * tests reuse earlier outcomes, and a test run alone computes (or reads from the cache) what it needs.
 */
import type { Task } from '../../src/data/index.ts';
import { resolveBaseModel, type BaseModel, type ModelFamilyName } from '../../src/experiment/baseModels.ts';
import { taskCorpus } from '../../src/experiment/taskCorpus.ts';
import { templateTokenIds } from '../../src/experiment/templateTokens.ts';
import { methodCases, type MethodCase } from '../../src/experiment/methods.ts';
import { MAIN_DECODING, type Profile, type TaskSizes } from '../../src/experiment/profile.ts';
import { BASE_METHOD, runExperiment, type ExperimentOutcome, type ExperimentRunSpec } from '../../src/experiment/run.ts';
import { listPlugins } from '../../src/peft/plugin.ts';

export const SEED = 42;

/** Whether the method's plugin is registered (the suite registers them all at its start). */
export function registered(method: string): boolean {
  return listPlugins().some((p) => p.name === method);
}

export interface BlockSettings {
  task: Task;
  family: ModelFamilyName;
  profile: Profile;
  /** Ignore cached results (PEFT_FRESH). */
  fresh: boolean;
  dataDir: string | null;
}

export class FamilyRuns {
  readonly cases: MethodCase[];
  /** The specs of the cases run so far, by case. */
  readonly specs = new Map<string, ExperimentRunSpec>();
  private readonly outcomes = new Map<string, ExperimentOutcome>();
  private modelP: Promise<BaseModel> | undefined;
  private baselineP: Promise<ExperimentOutcome> | undefined;

  constructor(readonly settings: BlockSettings) {
    this.cases = methodCases(settings.task, settings.family, settings.profile);
  }

  baseModel(): Promise<BaseModel> {
    const { family, task, profile, dataDir } = this.settings;
    return (this.modelP ??= resolveBaseModel(family, task, profile, { dataDir }));
  }

  /** The run spec of a method case (`undefined`: the untuned base); `order` places it in the report. */
  async specFor(c: MethodCase | undefined, order: number): Promise<ExperimentRunSpec> {
    const model = await this.baseModel();
    const peftConfig = { ...(c?.peft_config ?? {}) };
    // Prompt tuning's TEXT init reads the base model's tokenizer (only its cases have the field).
    if (peftConfig.prompt_tuning_init === 'TEXT') peftConfig.tokenizer_name_or_path = model.dir;
    const templateIds = c?.train_template_tokens ? templateTokenIds(model.dir, null) : undefined;
    if (templateIds) peftConfig.trainable_token_indices = templateIds;
    return experimentSpec({ settings: this.settings, c, order, model, peftConfig });
  }

  /** The untuned base model's outcome (the floor every case is compared with). */
  baseline(): Promise<ExperimentOutcome> {
    return (this.baselineP ??= this.specFor(undefined, 0).then((s) => runExperiment(s, { fresh: this.settings.fresh })));
  }

  async outcomeOf(c: MethodCase, order: number): Promise<ExperimentOutcome> {
    const known = this.outcomes.get(c.case);
    if (known) return known;
    const spec = await this.specFor(c, order);
    const o = await runExperiment(spec, { fresh: this.settings.fresh, baseline: await this.baseline() });
    this.specs.set(c.case, spec);
    this.outcomes.set(c.case, o);
    return o;
  }

  /** Each case whose method is registered, with its outcome and order, run one after another. */
  async registeredOutcomes(): Promise<[MethodCase, ExperimentOutcome, number][]> {
    const ran: [MethodCase, ExperimentOutcome, number][] = [];
    for (const [i, c] of this.cases.entries()) if (registered(c.method)) ran.push([c, await this.outcomeOf(c, i + 1), i + 1]);
    return ran;
  }
}

/** The ExperimentRunSpec of one case of the block, with the profile's sizes for the task. */
function experimentSpec(args: {
  settings: BlockSettings;
  c: MethodCase | undefined;
  order: number;
  model: BaseModel;
  peftConfig: Record<string, unknown>;
}): ExperimentRunSpec {
  const { settings, c, order, model, peftConfig } = args;
  const { task, family, profile, dataDir } = settings;
  const sizes = profile.sizes[task];
  return {
    id: `${task}/${family}/${c?.case ?? BASE_METHOD}`,
    order,
    label: c?.label ?? 'untuned base',
    hyperparameters: c?.hyperparameters ?? {},
    task,
    profile: profile.name,
    model,
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
    method: c?.method ?? BASE_METHOD,
    peft_config: peftConfig,
    training_args: trainingArgs(profile, sizes, c),
    seed: SEED,
    decoding: { ...MAIN_DECODING[task], max_new_tokens: sizes.max_new_tokens },
    evaluation: { bootstrap_samples: profile.bootstrap_samples, examples_shown: profile.examples_shown, generation_batch_size: profile.generation_batch_size },
  };
}

/** The block's TrainingArguments: the same steps and schedule for every case, the case's learning rate and optimizer. */
function trainingArgs(profile: Profile, sizes: TaskSizes, c: MethodCase | undefined): ExperimentRunSpec['training_args'] {
  return {
    max_steps: sizes.max_steps,
    per_device_train_batch_size: sizes.batch_size,
    per_device_eval_batch_size: sizes.batch_size,
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
