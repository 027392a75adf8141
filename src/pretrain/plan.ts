/**
 * The plan of a pretraining run (budget, schedule, training arguments), saved in the work folder so
 * that `--resume` continues the same schedule.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseTrainingArguments, type OptimizerName, type TrainingArguments } from '../train/arguments.ts';
import { UserError } from '../util/errors.ts';
import type { Log, PretrainOptions } from './options.ts';
import type { PresetName } from './presets.ts';

/** Seconds kept back from a `--minutes` budget for the export, the final held-out loss and the samples. */
export const RESERVE_S = 120;
/** Warmup steps of the wall-clock schedule (and the most the step schedule uses). */
const WARMUP_STEPS = 40;

export interface PretrainPlan {
  preset: PresetName;
  /** 'minutes': wall-clock cosine over train_seconds_budget; 'steps': the Trainer's cosine over max_steps. */
  schedule: 'minutes' | 'steps';
  max_steps: number;
  train_seconds_budget: number | null;
  warmup_steps: number;
  peak_learning_rate: number;
  training_args: TrainingArguments;
  config: Record<string, unknown>;
}

function readPlan(workDir: string): PretrainPlan | undefined {
  const f = path.join(workDir, 'pretrain_plan.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as PretrainPlan) : undefined;
}

/** How long the run trains: a step count, or a wall-clock budget of what is left after setup. */
function scheduleOf(opts: PretrainOptions, wallStart: number): Pick<PretrainPlan, 'schedule' | 'max_steps' | 'train_seconds_budget'> {
  if (opts.maxSteps) return { schedule: 'steps', max_steps: opts.maxSteps, train_seconds_budget: null };
  if (opts.minutes) {
    const budget = Math.max(30, opts.minutes * 60 - (performance.now() - wallStart) / 1000 - RESERVE_S);
    return { schedule: 'minutes', max_steps: 1_000_000, train_seconds_budget: budget }; // the clock stops the run
  }
  throw new UserError(`pretrain: give --minutes N (a wall-clock budget) or --max-steps N`);
}

export interface PlanInput {
  opts: PretrainOptions;
  flavor: 'gpt2' | 't5';
  config: Record<string, unknown>;
  seed: number;
  batch: number;
  /** performance.now() when the command started. */
  wallStart: number;
  log: Log;
}

/** The saved plan when resuming one, else a new plan, written to the work folder. */
export function loadOrMakePlan(p: PlanInput): PretrainPlan {
  const { opts } = p;
  const existing = opts.resume ? readPlan(opts.workDir) : undefined;
  const optim: OptimizerName = opts.optim ?? (p.flavor === 't5' ? 'adamw_scale' : 'adamw_torch');
  // adamw_scale's rate is relative to each tensor's RMS (nanoT5 pretrains T5 at 2e-2 with it).
  const peak = opts.learningRate ?? (optim === 'adamw_scale' ? 1e-2 : 2e-3);
  if (existing) {
    p.log(`${opts.preset}: resuming the plan in ${opts.workDir}`);
    return existing;
  }
  const { schedule, max_steps: maxSteps, train_seconds_budget: budget } = scheduleOf(opts, p.wallStart);
  const args = parseTrainingArguments({
    output_dir: opts.workDir,
    max_steps: maxSteps,
    per_device_train_batch_size: p.batch,
    per_device_eval_batch_size: p.batch,
    learning_rate: peak,
    weight_decay: opts.weightDecay ?? 0.01,
    adam_beta1: 0.9,
    adam_beta2: 0.98,
    optim,
    max_grad_norm: 1.0,
    lr_scheduler_type: schedule === 'minutes' ? 'constant' : 'cosine',
    warmup_steps: schedule === 'minutes' ? 0 : Math.min(WARMUP_STEPS, Math.ceil(maxSteps * (opts.warmupRatio ?? 0.05))),
    eval_steps: opts.evalSteps ?? 100,
    save_steps: opts.saveSteps ?? 100,
    save_total_limit: 1,
    seed: p.seed,
  });
  const plan: PretrainPlan = {
    preset: opts.preset,
    schedule,
    max_steps: maxSteps,
    train_seconds_budget: budget,
    warmup_steps: WARMUP_STEPS,
    peak_learning_rate: peak,
    training_args: args,
    config: p.config,
  };
  writeFileSync(path.join(opts.workDir, 'pretrain_plan.json'), JSON.stringify(plan, null, 2) + '\n');
  return plan;
}
