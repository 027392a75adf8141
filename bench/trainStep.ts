/**
 * The training step the bench times: the Trainer's inner step without its data pipeline, checkpoints
 * and logs — forward with labels, tf.variableGrads over the trainable variables, and the Trainer's
 * AdamW (src/train/adamw.ts). `TrainStepFactory` is the seam for measuring another step (e.g. the
 * whole Trainer) the same way.
 */
import { tf, type Tensor } from '../src/engine/tf.ts';
import { causalLMLossFused } from '../src/engine/native/fused.ts';
import type { PeftModel } from '../src/peft/peftModel.ts';
import { AdamW } from '../src/train/adamw.ts';
import type { BackendInfo } from '../src/engine/backend.ts';
import { backendLabel, peakRssMb, StepTimer, type BenchResult } from './measure.ts';

/**
 * One optimisation step on a batch; returns the loss. Without `labels` the inputs are their own
 * labels (a causal LM); an encoder-decoder reads `inputIds` and learns `labels` (its decoder inputs
 * are the labels shifted right).
 */
export type TrainStep = (inputIds: Tensor, labels?: Tensor) => number;
export type TrainStepFactory = (model: PeftModel, lr: number, opts?: { fusedLoss?: boolean }) => TrainStep;

/** The Trainer's step (src/train/trainer.ts): gradients by variable, then its AdamW. */
export const trainerStep: TrainStepFactory = (model, lr, opts = {}) => {
  const params = model.trainableParameters();
  const vars = params.map(([, v]) => v);
  const optimizer = new AdamW(params, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, new Set());
  return (inputIds, labels) => {
    const objective = () =>
      opts.fusedLoss
        ? causalLMLossFused(model.forward({ inputIds }).logits, inputIds)
        : (model.forward({ inputIds, labels: labels ?? inputIds }).loss as tf.Scalar);
    const { value, grads } = tf.variableGrads(objective, vars);
    optimizer.apply(new Map(params.map(([n, v]) => [n, grads[v.name]!])), lr);
    tf.dispose(grads);
    const loss = value.dataSync()[0]!;
    value.dispose();
    return loss;
  };
};

/** One training batch: encoder-decoder models also get their decoder's labels. */
export interface TrainBatch {
  inputIds: Tensor;
  labels?: Tensor;
}

export interface TimedTraining {
  timer: StepTimer;
  lastLoss: number;
  /** Trainable parameters, counted before the model is disposed. */
  trainable: number;
}

/**
 * `warmup + steps` steps of `step` on fresh batches from `nextBatch` (drawn outside the timed part),
 * then the model is disposed: a bench run measures it once.
 */
export function timeTraining(model: PeftModel, step: TrainStep, opts: { warmup: number; steps: number; nextBatch: () => TrainBatch }): TimedTraining {
  const timer = new StepTimer(opts.warmup);
  let lastLoss = Number.NaN;
  for (let i = 0; i < opts.warmup + opts.steps; i++) {
    const b = opts.nextBatch();
    lastLoss = timer.time(() => step(b.inputIds, b.labels));
    tf.dispose([b.inputIds, ...(b.labels ? [b.labels] : [])]);
  }
  const trainable = model.trainableParameters().reduce((s, [, v]) => s + v.size, 0);
  model.dispose();
  return { timer, lastLoss, trainable };
}

/** tokens/s counts every token a step reads: the inputs, plus the targets of an encoder-decoder (as the Trainer counts them). */
export function trainResult(info: BackendInfo, timed: TimedTraining, tokensPerStep: number, detail: Record<string, unknown>): BenchResult {
  const stepMs = timed.timer.medianMs();
  return {
    tokens_per_s: Math.round((tokensPerStep * 1000) / stepMs),
    step_ms: Math.round(stepMs * 10) / 10,
    peak_rss_mb: peakRssMb(),
    backend: backendLabel(info),
    detail: { ...detail, tokens_per_step: tokensPerStep, trainable: timed.trainable, last_loss: timed.lastLoss, ...timed.timer.detail() },
  };
}
