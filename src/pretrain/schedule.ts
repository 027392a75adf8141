import type { TrainingArguments } from '../train/arguments.ts';
import type { LogEntry } from '../train/checkpoint.ts';
import type { Trainer } from '../train/trainer.ts';

/**
 * The wall-clock cosine schedule of `--minutes` runs (see pretrain.ts's header). The Trainer reads
 * args.learning_rate at every step (its own multiplier is 1 under 'constant'), so setting it after
 * each step sets the rate of the next one; the state it depends on (step, training seconds) is in
 * every checkpoint, so a resumed run continues the same curve.
 */
export class WallClockCosine {
  constructor(
    readonly peak: number,
    readonly warmupSteps: number,
    readonly budgetSeconds: number,
  ) {}

  /** The learning rate of optimizer step `step` (0-based) taken after `seconds` of training. */
  lrAt(step: number, seconds: number): number {
    if (step < this.warmupSteps) return (this.peak * step) / this.warmupSteps;
    return this.peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, seconds / this.budgetSeconds)));
  }

  callback(args: TrainingArguments) {
    return {
      onStepEnd: (_e: LogEntry, t: Trainer) => {
        args.learning_rate = this.lrAt(t.state.global_step, t.state.train_seconds);
        if (t.state.train_seconds >= this.budgetSeconds) t.requestStop();
      },
    };
  }
}
