/**
 * What the trainer says when training goes wrong, and how it tells a checkpoint worth keeping from
 * one that is not. The reference point is the uniform guess: a model that spreads its probability
 * evenly over the vocabulary scores ln(vocab_size), so a loss above it is worse than knowing nothing.
 */

export function uniformGuessLoss(vocabSize: number): number {
  return Math.log(vocabSize);
}

/**
 * The highest loss a checkpoint may be saved with. A small model initialised at random starts
 * somewhat above the uniform guess without having diverged, so a run is held to 10% above its own
 * starting loss when that is the higher bar.
 */
export function checkpointLossLimit(vocabSize: number, firstLoss: number | undefined): number {
  const start = firstLoss !== undefined && Number.isFinite(firstLoss) ? firstLoss * 1.1 : 0;
  return Math.max(uniformGuessLoss(vocabSize), start);
}

export interface DivergenceFacts {
  step: number;
  loss: number;
  lastFinite: number;
  /** The newest complete checkpoint, if any. */
  lastCheckpoint: string | undefined;
  learningRate: number;
  maxGradNorm: number;
}

/** Advice that helps: a smaller step, or clipping (tighter clipping when it is already on). */
export function divergenceAdvice(learningRate: number, maxGradNorm: number): string {
  const clip = maxGradNorm > 0 ? `lower max_grad_norm (now ${maxGradNorm}) to clip gradients harder` : 'set max_grad_norm (e.g. 1.0) to clip gradients';
  return `lower learning_rate (now ${learningRate}), or ${clip}`;
}

/** The one line a run stopped by a non-finite loss ends with. */
export function divergedMessage(f: DivergenceFacts): string {
  const kept = f.lastCheckpoint ? `the last good checkpoint, ${f.lastCheckpoint}, is kept` : 'no checkpoint was saved before it';
  return `training diverged at step ${f.step}: loss is ${f.loss} (last finite loss ${f.lastFinite}); ${kept} — ${divergenceAdvice(f.learningRate, f.maxGradNorm)}`;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Warnings for a run that ended badly: a training loss that rose over the run, or that ends above the
 * uniform guess. Single batches are noisy, so the first and last `window` steps are compared.
 */
export function endOfRunWarnings(losses: number[], vocabSize: number, window: number, learningRate: number, maxGradNorm: number): string[] {
  if (!losses.length) return [];
  const w = Math.max(1, Math.min(window, Math.floor(losses.length / 2)));
  const first = mean(losses.slice(0, w));
  const last = mean(losses.slice(-w));
  const steps = (n: number) => (n === 1 ? 'step' : `${n} steps`);
  const out: string[] = [];
  if (losses.length > 1 && last > first)
    out.push(
      `the training loss rose from ${first.toFixed(4)} (first ${steps(w)}) to ${last.toFixed(4)} (last ${steps(w)}): ${divergenceAdvice(learningRate, maxGradNorm)}`,
    );
  const uniform = uniformGuessLoss(vocabSize);
  if (last > uniform)
    out.push(
      `the final training loss ${last.toFixed(4)} (last ${steps(w)}) is above the uniform-guess loss ln(${vocabSize}) = ${uniform.toFixed(2)}: the model does worse than guessing`,
    );
  return out;
}
