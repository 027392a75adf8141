import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tf, type Tensor } from '../engine/tf.ts';
import { int32Matrix } from '../engine/int32Matrix.ts';
import { dropoutRng, Rng } from '../engine/random.ts';
import { PeakMemory } from '../engine/memorySampling.ts';
import type { PeftModel } from '../peft/peftModel.ts';
import type { TrainingArguments } from './arguments.ts';
import { AdamW } from './adamw.ts';
import { collate, type Batch, type TrainExample } from './collate.ts';
import { lengthGroupedIndices } from './lengthGrouped.ts';
import { listCheckpoints, loadCheckpoint, saveCheckpoint, type CheckpointOwner, type LogEntry, type TrainerState } from './checkpoint.ts';
import { checkpointDocuments, flopParameters, writeHfRunFiles, type RunPlan } from './hfTrainerFiles.ts';
import { checkpointLossLimit, divergedMessage, endOfRunWarnings } from './divergence.ts';
import { claimOutputDir, runIdentity, type IdentityOptions } from './runIdentity.ts';
import { pluginStateFiles, restorePluginState } from './pluginState.ts';
import { Progress } from './progress.ts';
import { appendJsonLine } from '../util/jsonl.ts';
import { lrMultiplier, warmupSteps } from './schedule.ts';

/** minGPT-style hooks: observe (or stop) training without changing the loop. */
export interface TrainerCallback {
  onStepEnd?(entry: LogEntry, trainer: Trainer): void;
  onEvaluate?(entry: LogEntry, trainer: Trainer): void;
  onSave?(checkpointDir: string, trainer: Trainer): void;
}

export interface TrainResult {
  global_step: number;
  epochs: number;
  train_loss: number;
  first_loss: number;
  final_loss: number;
  log_history: LogEntry[];
  train_seconds: number;
  seconds_per_epoch: number;
  tokens_per_s: number;
  peak_tensor_mb: number;
  peak_rss_mb: number;
  stopped_early: boolean;
  resumed_from?: string;
  /** What went wrong without stopping the run (also printed on stderr): a rising or worse-than-guessing loss, unsaved checkpoints. */
  warnings: string[];
}

/** Total optimizer steps: max_steps when set, else epochs × optimizer steps per epoch (HF). */
export function plannedSteps(args: TrainingArguments, trainExamples: number): number {
  if (args.max_steps > 0) return args.max_steps;
  const perEpoch = Math.ceil(Math.ceil(trainExamples / args.per_device_train_batch_size) / args.gradient_accumulation_steps);
  return Math.ceil(args.num_train_epochs * perEpoch);
}

export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

/** HF's get_decay_parameter_names: no weight decay on biases and normalisation weights. */
function noDecayNames(model: PeftModel): Set<string> {
  const out = new Set(model.base.noDecayParameterNames());
  for (const [n] of model.trainableParameters()) if (n.endsWith('.bias') || n === 'bias') out.add(n);
  return out;
}

/**
 * Trains a PeftModel as transformers' Trainer does: AdamW, LR schedule with warmup, global-norm
 * clipping, gradient accumulation, epochs or max_steps, completion-only loss (labels -100 on the
 * prompt), periodic evaluation, early stopping, atomic checkpoints with exact resume, a JSON Lines
 * loss log, and measured speed and memory.
 */
export class Trainer {
  readonly params: [string, tf.Variable][];
  readonly optimizer: AdamW;
  readonly memory = new PeakMemory();
  readonly padId: number;
  state: TrainerState;
  private stopRequested = false;
  /** The run this fit() writes checkpoints for. */
  private owner?: CheckpointOwner;
  /** The last micro-batch trained on: what a checkpoint's weights are judged by. */
  private lastBatch?: Batch;
  private unsavedSteps: number[] = [];

  constructor(
    readonly model: PeftModel,
    readonly args: TrainingArguments,
    readonly train: TrainExample[],
    readonly evalSet: TrainExample[] = [],
    readonly callbacks: TrainerCallback[] = [],
    readonly opts: {
      quiet?: boolean;
      padTokenId?: number /** Names the run in progress lines (default "train"). */;
      progressLabel?: string /** What else identifies the run (runIdentity.ts). */;
      identity?: IdentityOptions;
      /** A wall-clock budget that ends the run before max_steps (progress shows the time left). */
      timeBudgetSeconds?: number;
    } = {},
  ) {
    if (!train.length) throw new Error('the training set is empty');
    this.params = model.trainableParameters();
    if (!this.params.length) throw new Error('the model has no trainable parameters');
    this.optimizer = new AdamW(
      this.params,
      {
        lr: args.learning_rate,
        beta1: args.adam_beta1,
        beta2: args.adam_beta2,
        eps: args.adam_epsilon,
        weightDecay: args.weight_decay,
        scaleByParamRms: args.optim === 'adamw_scale',
      },
      noDecayNames(model),
    );
    const cfg = model.config as { pad_token_id?: number | null; eos_token_id?: number };
    this.padId = opts.padTokenId ?? cfg.pad_token_id ?? cfg.eos_token_id ?? 0;
    this.state = {
      global_step: 0,
      epoch: 0,
      batch_in_epoch: 0,
      dropout_rng_state: args.seed,
      log_history: [],
      best_eval_loss: null,
      evals_without_improvement: 0,
      train_seconds: 0,
      best_eval_step: null,
      total_flos: 0,
    };
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.train.length / this.args.per_device_train_batch_size);
  }
  get stepsPerEpoch(): number {
    return Math.ceil(this.batchesPerEpoch / this.args.gradient_accumulation_steps);
  }
  get totalSteps(): number {
    return plannedSteps(this.args, this.train.length);
  }

  /** What HF's output files say about this run (hfTrainerFiles.ts). */
  private get plan(): RunPlan {
    return {
      args: this.args,
      maxSteps: this.totalSteps,
      stepsPerEpoch: this.stepsPerEpoch,
      trainExamples: this.train.length,
      evalExamples: this.evalSet.length,
    };
  }

  private flopParams?: number;

  /** HF's estimate for one micro-batch: 6 × input_ids elements (padding included) × parameters. */
  private flos(b: Batch): number {
    this.flopParams ??= flopParameters(this.model);
    return 6 * b.inputIds.length * (b.inputIds[0]?.length ?? 0) * this.flopParams;
  }

  /** Asks the loop to stop after the current step (callbacks use it). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /**
   * The order of examples in `epoch`: a function of (seed, epoch) alone, so a resumed run sees the same
   * order; with group_by_length, batches of similar input lengths.
   */
  epochOrder(epoch: number): number[] {
    const rng = new Rng(this.args.seed * 100_003 + epoch);
    if (!this.args.group_by_length) return rng.shuffle([...this.train.keys()]);
    return lengthGroupedIndices(
      this.train.map((e) => e.input_ids.length),
      this.args.per_device_train_batch_size,
      rng,
    );
  }

  private batch(order: number[], b: number): Batch {
    const bs = this.args.per_device_train_batch_size;
    return collate(
      order.slice(b * bs, (b + 1) * bs).map((i) => this.train[i]!),
      this.padId,
      this.model.isEncoderDecoder,
    );
  }

  private lossOf(b: Batch): Tensor {
    return this.model.forward({ inputIds: int32Matrix(b.inputIds), attentionMask: int32Matrix(b.attentionMask), labels: int32Matrix(b.labels) }).loss!;
  }

  /** One micro-batch: loss value and gradients (scaled for accumulation), keyed by parameter name. */
  private gradients(b: Batch, scale: number): { loss: number; grads: Map<string, Tensor> } {
    const vars = this.params.map(([, v]) => v);
    const { value, grads } = tf.variableGrads(() => tf.mul(this.lossOf(b), scale) as tf.Scalar, vars);
    const loss = value.dataSync()[0]! / scale;
    value.dispose();
    const byName = new Map<string, Tensor>();
    for (const [n, v] of this.params) {
      const g = grads[v.name];
      if (g) byName.set(n, g);
    }
    return { loss, grads: byName };
  }

  /**
   * The loss the current weights give on the last batch trained on, without dropout, or undefined
   * before any step. The dropout RNG is put back, so checking changes nothing that follows.
   */
  private currentLoss(): number | undefined {
    const b = this.lastBatch;
    if (!b) return undefined;
    const rng = dropoutRng.state;
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return tf.tidy(() => this.lossOf(b).dataSync()[0]!);
    } finally {
      if (wasTraining) this.model.train();
      dropoutRng.state = rng;
    }
  }

  private checkpoint(): void {
    // The loss logged at a step is that of the weights before its update: a checkpoint is judged by its own weights.
    const loss = this.currentLoss();
    const limit = checkpointLossLimit(this.model.vocabSize, this.state.log_history.find((e) => e.loss !== undefined)?.loss);
    if (loss !== undefined && !(loss <= limit)) {
      if (!this.unsavedSteps.length)
        process.stderr.write(
          `warning: not saving checkpoint-${this.state.global_step}: its weights give loss ${loss} on the last batch, above ${limit.toFixed(4)} (the uniform guess or 10% above the starting loss)\n`,
        );
      this.unsavedSteps.push(this.state.global_step);
      return;
    }
    this.state.dropout_rng_state = dropoutRng.state;
    const weights = new Map<string, Tensor>(this.params.map(([n, v]) => [n, v]));
    const documents = { ...checkpointDocuments(this.state, this.plan), ...pluginStateFiles(this.model.adapter, this.model.plugin.name) };
    const dir = saveCheckpoint(this.args.output_dir, this.state, weights, this.optimizer.stateTensors(), this.args.save_total_limit, documents, this.owner);
    for (const c of this.callbacks) c.onSave?.(dir, this);
  }

  private restore(dir: string): void {
    const ck = loadCheckpoint(dir);
    try {
      for (const [n, v] of this.params) {
        const w = ck.weights.get(n);
        if (!w) throw new Error(`${dir}: checkpoint lacks '${n}' (different method or config?)`);
        v.assign(w);
      }
      this.optimizer.loadState(ck.state.global_step, ck.optimizer);
      restorePluginState(this.model.adapter, this.model.plugin.name, dir);
    } finally {
      tf.dispose([...ck.weights.values(), ...ck.optimizer.values()]);
    }
    this.state = ck.state;
    dropoutRng.state = ck.state.dropout_rng_state;
  }

  /** Mean loss over the evaluation set (batch-size weighted, as HF's evaluation loop). */
  evaluate(): number {
    const wasTraining = this.model.training;
    this.model.eval();
    let sum = 0;
    let n = 0;
    const bs = this.args.per_device_eval_batch_size;
    for (let i = 0; i < this.evalSet.length; i += bs) {
      const chunk = this.evalSet.slice(i, i + bs);
      const b = collate(chunk, this.padId, this.model.isEncoderDecoder);
      sum += tf.tidy(() => this.lossOf(b).dataSync()[0]!) * chunk.length;
      n += chunk.length;
    }
    if (wasTraining) this.model.train();
    return sum / Math.max(n, 1);
  }

  private log(entry: LogEntry): void {
    this.state.log_history.push(entry);
    appendJsonLine(path.join(this.args.output_dir, 'loss_log.jsonl'), entry);
  }

  /** Runs training to the end (or early stop); `resume` continues from the newest checkpoint. */
  async fit(resume: boolean | string = false): Promise<TrainResult> {
    const resumedFrom = this.startRun(resume);
    const a = this.args;
    const total = this.totalSteps;
    const warmup = warmupSteps(a.warmup_steps, a.warmup_ratio, total);
    const progress = new Progress(this.opts.progressLabel ?? 'train', total, {
      ...(this.opts.quiet !== undefined ? { quiet: this.opts.quiet } : {}),
      ...(this.opts.timeBudgetSeconds !== undefined ? { budgetSeconds: this.opts.timeBudgetSeconds } : {}),
    });
    this.model.train();
    const run: RunTracking = {
      total,
      warmup,
      progress,
      tokens: 0,
      runStart: performance.now(),
      lastFinite: this.state.log_history.filter((e) => e.loss !== undefined).at(-1)?.loss ?? NaN,
      startedAt: performance.now() - this.state.train_seconds * 1000,
    };
    const stoppedEarly = this.trainLoop(run);
    return this.finishRun(run, stoppedEarly, resumedFrom);
  }

  /** Claims the output folder, restores the checkpoint to resume from, and rewrites the loss log. */
  private startRun(resume: boolean | string): string | undefined {
    const a = this.args;
    mkdirSync(a.output_dir, { recursive: true });
    this.owner = runIdentity(this.model, a, this.train, this.evalSet, this.opts.identity);
    claimOutputDir(a.output_dir, this.owner, resume, a.overwrite_output_dir === true);
    this.unsavedSteps = [];
    let resumedFrom: string | undefined;
    const logFile = path.join(a.output_dir, 'loss_log.jsonl');
    if (resume) {
      const dir = typeof resume === 'string' ? resume : listCheckpoints(a.output_dir).at(-1);
      if (dir) {
        this.restore(dir);
        resumedFrom = dir;
      }
    }
    if (!resumedFrom) dropoutRng.state = a.seed;
    // The log on disk always mirrors the state: a resumed run drops entries after its checkpoint.
    writeFileSync(logFile, this.state.log_history.map((e) => JSON.stringify(e) + '\n').join(''));
    return resumedFrom;
  }

  /** Epochs of optimizer steps until the step budget, an early stop or a requested stop; true on an early stop. */
  private trainLoop(run: RunTracking): boolean {
    while (this.state.global_step < run.total) {
      const order = this.epochOrder(this.state.epoch);
      while (this.state.batch_in_epoch < this.batchesPerEpoch && this.state.global_step < run.total) {
        const stoppedEarly = this.trainStep(order, run);
        if (stoppedEarly || this.stopRequested) return stoppedEarly;
      }
      if (this.state.batch_in_epoch >= this.batchesPerEpoch) {
        this.state.epoch++;
        this.state.batch_in_epoch = 0;
      }
    }
    return false;
  }

  /** One optimizer step with its log entry, evaluation and checkpoint; true when early stopping ends the run. */
  private trainStep(order: number[], run: RunTracking): boolean {
    const a = this.args;
    const stepStart = performance.now();
    const remaining = this.batchesPerEpoch - this.state.batch_in_epoch;
    const micro = Math.min(a.gradient_accumulation_steps, remaining);
    const { loss: stepLoss, tokens: stepTokens, grads } = this.accumulate(order, micro, run.lastFinite);
    this.memory.sample();
    const gradNorm = this.clipGradients(grads);
    const lr = a.learning_rate * lrMultiplier(a.lr_scheduler_type, this.state.global_step, run.warmup, run.total);
    this.optimizer.apply(grads, lr);
    this.state.global_step++;
    this.state.batch_in_epoch += micro;
    // 0-based, as peft's AdaLoRA loop calls update_and_allocate(step) for step in range(total).
    this.model.adapter.afterOptimizerStep?.(this.state.global_step - 1, grads);
    tf.dispose([...grads.values()]);
    run.lastFinite = stepLoss;
    run.tokens += stepTokens;
    const entry = this.logStep({ stepStart, loss: stepLoss, tokens: stepTokens, lr, gradNorm }, run);
    const last = this.state.global_step >= run.total;
    let stoppedEarly = false;
    if (this.evalSet.length && ((a.eval_steps > 0 && this.state.global_step % a.eval_steps === 0) || last)) stoppedEarly = this.evaluateStep(entry);
    if (a.save_steps > 0 && this.state.global_step % a.save_steps === 0) this.checkpoint();
    return stoppedEarly;
  }

  /** The micro-batches of one step: mean loss, tokens, and the summed gradients. */
  private accumulate(order: number[], micro: number, lastFinite: number): { loss: number; tokens: number; grads: Map<string, Tensor> } {
    const a = this.args;
    let stepLoss = 0;
    let stepTokens = 0;
    let acc: Map<string, Tensor> | undefined;
    for (let k = 0; k < micro; k++) {
      const b = this.batch(order, this.state.batch_in_epoch + k);
      // HF divides every micro-batch loss by gradient_accumulation_steps.
      const { loss, grads } = this.gradients(b, 1 / a.gradient_accumulation_steps);
      if (!Number.isFinite(loss)) {
        tf.dispose([...grads.values(), ...(acc ? acc.values() : [])]);
        throw new TrainingDivergedError(
          divergedMessage({
            step: this.state.global_step + 1,
            loss,
            lastFinite,
            lastCheckpoint: listCheckpoints(a.output_dir).at(-1),
            learningRate: a.learning_rate,
            maxGradNorm: a.max_grad_norm,
          }),
        );
      }
      stepLoss += loss / micro;
      this.lastBatch = b;
      stepTokens += b.tokens;
      this.state.total_flos = (this.state.total_flos ?? 0) + this.flos(b);
      if (!acc) acc = grads;
      else {
        for (const [n, g] of grads) {
          const prev = acc.get(n)!;
          acc.set(n, tf.add(prev, g));
          tf.dispose([prev, g]);
        }
      }
    }
    return { loss: stepLoss, tokens: stepTokens, grads: acc! };
  }

  /** Global-norm clipping (torch.nn.utils.clip_grad_norm_), in place; returns the norm before clipping. */
  private clipGradients(grads: Map<string, Tensor>): number {
    const a = this.args;
    const gradNorm = tf.tidy(() => Math.sqrt([...grads.values()].reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0]!, 0)));
    if (a.max_grad_norm > 0 && gradNorm > a.max_grad_norm) {
      const coef = a.max_grad_norm / (gradNorm + 1e-6);
      for (const [n, g] of grads) {
        grads.set(n, tf.mul(g, coef));
        g.dispose();
      }
    }
    return gradNorm;
  }

  private logStep(step: { stepStart: number; loss: number; tokens: number; lr: number; gradNorm: number }, run: RunTracking): LogEntry {
    const stepSeconds = (performance.now() - step.stepStart) / 1000;
    this.state.train_seconds = (performance.now() - run.startedAt) / 1000;
    const entry: LogEntry = {
      step: this.state.global_step,
      epoch: this.state.epoch + this.state.batch_in_epoch / this.batchesPerEpoch,
      loss: step.loss,
      learning_rate: step.lr,
      grad_norm: step.gradNorm,
      tokens_per_s: step.tokens / stepSeconds,
      elapsed_s: this.state.train_seconds,
    };
    this.log(entry);
    for (const c of this.callbacks) c.onStepEnd?.(entry, this);
    run.progress.update(
      this.state.global_step,
      `loss ${step.loss.toFixed(4)} lr ${step.lr.toExponential(2)} ${Math.round(run.tokens / ((performance.now() - run.runStart) / 1000))} tok/s`,
    );
    return entry;
  }

  /** Evaluates after the step `entry` logged and tracks early stopping; true when patience has run out. */
  private evaluateStep(entry: LogEntry): boolean {
    const a = this.args;
    const evalStart = performance.now();
    const evalLoss = this.evaluate();
    const e: LogEntry = { step: this.state.global_step, epoch: entry.epoch, eval_loss: evalLoss, eval_runtime: (performance.now() - evalStart) / 1000 };
    this.log(e);
    for (const c of this.callbacks) c.onEvaluate?.(e, this);
    if (this.state.best_eval_loss === null || evalLoss < this.state.best_eval_loss - a.early_stopping_threshold) {
      this.state.best_eval_loss = evalLoss;
      this.state.best_eval_step = this.state.global_step;
      this.state.evals_without_improvement = 0;
    } else if (a.early_stopping_patience > 0 && ++this.state.evals_without_improvement >= a.early_stopping_patience) {
      return true;
    }
    return false;
  }

  /** The final checkpoint, the HF run files, the end-of-run warnings and the result. */
  private finishRun(run: RunTracking, stoppedEarly: boolean, resumedFrom: string | undefined): TrainResult {
    const a = this.args;
    this.model.eval();
    this.state.train_seconds = (performance.now() - run.startedAt) / 1000;
    this.checkpoint();
    const losses = this.state.log_history.filter((e) => e.loss !== undefined).map((e) => e.loss!);
    const epochs = this.state.global_step / this.stepsPerEpoch;
    const runSeconds = (performance.now() - run.runStart) / 1000;
    const trainLoss = losses.reduce((s, l) => s + l, 0) / Math.max(losses.length, 1);
    writeHfRunFiles(this.state, this.plan, trainLoss, runSeconds);
    const warnings = endOfRunWarnings(losses, this.model.vocabSize, a.logging_steps, a.learning_rate, a.max_grad_norm);
    if (this.unsavedSteps.length)
      warnings.push(
        `checkpoints not saved at step${this.unsavedSteps.length > 1 ? 's' : ''} ${this.unsavedSteps.join(', ')}: their weights did worse than a uniform guess (or than 10% above the starting loss), so ${listCheckpoints(a.output_dir).at(-1) ?? 'no checkpoint'} is the newest kept`,
      );
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    return {
      global_step: this.state.global_step,
      epochs,
      train_loss: trainLoss,
      first_loss: losses[0] ?? NaN,
      final_loss: losses.at(-1) ?? NaN,
      log_history: this.state.log_history,
      train_seconds: this.state.train_seconds,
      seconds_per_epoch: this.state.train_seconds / Math.max(epochs, 1e-9),
      tokens_per_s: run.tokens / Math.max(runSeconds, 1e-9),
      ...this.memory.toJSON(),
      stopped_early: stoppedEarly,
      resumed_from: resumedFrom,
      warnings,
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** What one fit() call tracks across its steps. */
interface RunTracking {
  total: number;
  warmup: number;
  progress: Progress;
  /** Tokens trained on in this call (not before a resume). */
  tokens: number;
  /** performance.now() when this call started training. */
  runStart: number;
  /** The last finite step loss, for the divergence message. */
  lastFinite: number;
  /** performance.now() minus the training seconds before a resume. */
  startedAt: number;
}
