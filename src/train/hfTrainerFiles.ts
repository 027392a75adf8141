/**
 * The files transformers' Trainer (4.39) leaves behind, written beside ours so that scripts made for
 * the Hugging Face stack find them: trainer_state.json in output_dir and in every checkpoint-N/
 * (TrainerState.save_to_json), train_results.json / eval_results.json / all_results.json
 * (Trainer.save_metrics) and training_args.json. HF pickles TrainingArguments to training_args.bin;
 * ours holds the same fields as JSON. loss_log.jsonl stays the per-step log; trainer_state.json's
 * log_history has one entry per logging_steps, as HF's.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Embedding } from '../models/linear.ts';
import type { PeftModel } from '../peft/peftModel.ts';
import type { TrainingArguments } from './arguments.ts';
import { checkpointDir, HF_TRAINER_STATE, type LogEntry, type TrainerState } from './checkpoint.ts';

export const TRAINING_ARGS = 'training_args.json';

export type HfLogEntry = Record<string, number>;

/** TrainerState as transformers 4.39 saves it. */
export interface HfTrainerState {
  best_metric: number | null;
  best_model_checkpoint: string | null;
  epoch: number;
  eval_steps: number;
  global_step: number;
  is_hyper_param_search: boolean;
  is_local_process_zero: boolean;
  is_world_process_zero: boolean;
  log_history: HfLogEntry[];
  logging_steps: number;
  max_steps: number;
  num_input_tokens_seen: number;
  num_train_epochs: number;
  save_steps: number;
  total_flos: number;
  train_batch_size: number;
  trial_name: string | null;
  trial_params: Record<string, unknown> | null;
}

/** What HF's files say about the run besides our state. */
export interface RunPlan {
  args: TrainingArguments;
  /** Optimizer steps planned. */
  maxSteps: number;
  stepsPerEpoch: number;
  trainExamples: number;
  evalExamples: number;
}

/** Python's round(x, digits) for the values HF rounds (loss 4, epoch 2, runtimes 4, rates 3). */
const round = (x: number, digits: number) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

function evalEntry(e: LogEntry, plan: RunPlan): HfLogEntry {
  const out: HfLogEntry = { eval_loss: e.eval_loss!, epoch: round(e.epoch, 2), step: e.step };
  if (e.eval_runtime !== undefined && e.eval_runtime > 0) {
    const batches = Math.ceil(plan.evalExamples / plan.args.per_device_eval_batch_size);
    out.eval_runtime = round(e.eval_runtime, 4);
    out.eval_samples_per_second = round(plan.evalExamples / e.eval_runtime, 3);
    out.eval_steps_per_second = round(batches / e.eval_runtime, 3);
  }
  return out;
}

/**
 * HF's log_history from our per-step log: every logging_steps steps the mean loss since the last
 * entry (rounded as HF does), the gradient norm and learning rate of that step; every evaluation.
 * The learning rate is the one the step used (HF logs the scheduler's next value, one step later).
 */
export function hfLogHistory(history: LogEntry[], plan: RunPlan): HfLogEntry[] {
  const out: HfLogEntry[] = [];
  let window: number[] = [];
  for (const e of history) {
    if (e.eval_loss !== undefined) {
      out.push(evalEntry(e, plan));
      continue;
    }
    if (e.loss === undefined) continue;
    window.push(e.loss);
    if (e.step % plan.args.logging_steps !== 0) continue;
    const entry: HfLogEntry = { loss: round(window.reduce((s, l) => s + l, 0) / window.length, 4) };
    if (e.grad_norm !== undefined) entry.grad_norm = e.grad_norm;
    if (e.learning_rate !== undefined) entry.learning_rate = e.learning_rate;
    out.push({ ...entry, epoch: round(e.epoch, 2), step: e.step });
    window = [];
  }
  return out;
}

/** HF's num_train_epochs in TrainerState: whole epochs the plan covers. */
function plannedEpochs(plan: RunPlan): number {
  if (plan.args.max_steps > 0) return Math.ceil(plan.args.max_steps / Math.max(plan.stepsPerEpoch, 1));
  return Math.ceil(plan.args.num_train_epochs);
}

/** The best checkpoint HF would name: the one saved at the best evaluation's step, while it exists. */
function bestCheckpoint(state: TrainerState, outputDir: string, writingStep?: number): string | null {
  const step = state.best_eval_step;
  if (step === undefined || step === null) return null;
  const dir = checkpointDir(outputDir, step);
  return step === writingStep || existsSync(dir) ? dir : null;
}

/**
 * trainer_state.json for `state`; `finalEntry` (train_* metrics) ends log_history as after train();
 * `writingStep` is the checkpoint being written, which counts as existing.
 */
export function hfTrainerState(state: TrainerState, plan: RunPlan, opts: { finalEntry?: HfLogEntry; writingStep?: number } = {}): HfTrainerState {
  const history = hfLogHistory(state.log_history, plan);
  const last = state.log_history.at(-1);
  return {
    best_metric: state.best_eval_loss,
    best_model_checkpoint: bestCheckpoint(state, plan.args.output_dir, opts.writingStep),
    epoch: last ? last.epoch : 0,
    eval_steps: plan.args.eval_steps,
    global_step: state.global_step,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: opts.finalEntry ? [...history, opts.finalEntry] : history,
    logging_steps: plan.args.logging_steps,
    max_steps: plan.maxSteps,
    num_input_tokens_seen: 0,
    num_train_epochs: plannedEpochs(plan),
    save_steps: plan.args.save_steps,
    total_flos: state.total_flos ?? 0,
    train_batch_size: plan.args.per_device_train_batch_size,
    trial_name: null,
    trial_params: null,
  };
}

/**
 * The parameters in HF's floating-point estimate (6 × input tokens × parameters per step):
 * num_parameters(exclude_embeddings=True) of the model holding the injected layers, so a prompt
 * encoder beside it does not count, and tied weights count once.
 */
export function flopParameters(model: PeftModel): number {
  const embeddings = new Set(model.base.namedModules().flatMap(([, m]) => (m instanceof Embedding ? m.ownParameters().map(([, p]) => p) : [])));
  const counted = new Set(
    model.base
      .namedParameters()
      .map(([, p]) => p)
      .filter((p) => !embeddings.has(p)),
  );
  return [...counted].reduce((s, p) => s + p.size, 0);
}

/**
 * Trainer.train()'s metrics: speed over this call's runtime with HF's sample and step counts (the
 * plan's, not those run since a resume), the mean training loss and the floating-point estimate.
 */
export function hfTrainMetrics(state: TrainerState, plan: RunPlan, trainLoss: number, runtimeSeconds: number): HfLogEntry {
  const a = plan.args;
  const samples = a.max_steps > 0 ? a.max_steps * a.per_device_train_batch_size * a.gradient_accumulation_steps : plan.trainExamples * a.num_train_epochs;
  const runtime = Math.max(runtimeSeconds, 1e-9);
  return {
    epoch: round(state.log_history.at(-1)?.epoch ?? 0, 2),
    total_flos: state.total_flos ?? 0,
    train_loss: trainLoss,
    train_runtime: round(runtime, 4),
    train_samples_per_second: round(samples / runtime, 3),
    train_steps_per_second: round(plan.maxSteps / runtime, 3),
  };
}

/** JSON with keys sorted at every level, as Python's json.dumps(sort_keys=True). */
export function sortedJson(value: unknown, indent: number): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value), null, indent);
}

/** The documents a checkpoint carries for HF's tools: trainer_state.json and training_args.json. */
export function checkpointDocuments(state: TrainerState, plan: RunPlan): Record<string, string> {
  return {
    [HF_TRAINER_STATE]: sortedJson(hfTrainerState(state, plan, { writingStep: state.global_step }), 2) + '\n',
    [TRAINING_ARGS]: JSON.stringify(plan.args, null, 2) + '\n',
  };
}

/**
 * What Trainer.save_state() and save_metrics('train' / 'eval') leave in output_dir after training:
 * trainer_state.json ending with the train metrics, train_results.json, eval_results.json (when an
 * evaluation ran), all_results.json with both, and training_args.json.
 */
export function writeHfRunFiles(state: TrainerState, plan: RunPlan, trainLoss: number, runtimeSeconds: number): void {
  const dir = plan.args.output_dir;
  const train = hfTrainMetrics(state, plan, trainLoss, runtimeSeconds);
  const finalEntry = { ...train, step: state.global_step };
  writeFileSync(path.join(dir, HF_TRAINER_STATE), sortedJson(hfTrainerState(state, plan, { finalEntry }), 2) + '\n');
  const trainResults = { ...train, train_samples: plan.trainExamples };
  writeFileSync(path.join(dir, 'train_results.json'), sortedJson(trainResults, 4));
  let all: HfLogEntry = trainResults;
  const lastEval = [...state.log_history].reverse().find((e) => e.eval_loss !== undefined);
  if (lastEval) {
    const metrics = evalEntry(lastEval, plan);
    delete metrics.step;
    const evalResults = { ...metrics, eval_samples: plan.evalExamples };
    writeFileSync(path.join(dir, 'eval_results.json'), sortedJson(evalResults, 4));
    all = { ...all, ...evalResults, epoch: train.epoch! };
  }
  writeFileSync(path.join(dir, 'all_results.json'), sortedJson(all, 4));
  writeFileSync(path.join(dir, TRAINING_ARGS), JSON.stringify(plan.args, null, 2) + '\n');
}
