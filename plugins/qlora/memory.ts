import { tf } from '../../src/engine/tf.ts';
import type { ModelInput } from '../../src/models/outputs.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { quantizedWeightsReport } from './model.ts';

/** Memory and time of one training step (forward + backward, no optimizer), for QLoRA vs LoRA comparisons. */
export interface StepMeasurement {
  /** Median wall time of a step over `repeats` runs, in seconds. */
  seconds: number;
  /** Bytes of frozen (non-trainable) float tensors held by the model. */
  frozenFloatBytes: number;
  /** Bytes of NF4 weights (codes + statistics), held outside the tensor engine. */
  quantizedBytes: number;
  /** Bytes of the trainable tensors. */
  trainableBytes: number;
  /**
   * The most bytes the step adds at any kernel on top of what was live before it (activations kept
   * for the backward pass, gradients, temporaries such as dequantized weights), from tf.profile.
   */
  stepPeakExtraBytes: number;
  /** The step's peak footprint: model (frozen float + NF4 + trainable) + stepPeakExtraBytes. */
  peakBytes: number;
}

/** Runs one loss.backward()-equivalent step on `input` (which must hold labels) and measures it. */
export async function measureTrainingStep(model: PeftModel, input: ModelInput, repeats = 3): Promise<StepMeasurement> {
  const vars = model.trainableParameters().map(([, v]) => v);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => model.forward(input).loss as tf.Scalar, vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step(); // warm-up: kernels compile and caches fill outside the measured runs
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    step();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  // Measured against what is live before the step, so tensors held elsewhere in the process do not count.
  const liveBefore = tf.memory().numBytes;
  const profile = await tf.profile(step);
  const trainable = new Set(vars);
  const frozenFloatBytes = model.base
    .namedParameters()
    .filter(([, p]) => !trainable.has(p))
    .reduce((s, [, p]) => s + 4 * p.size, 0);
  const trainableBytes = vars.reduce((s, v) => s + 4 * v.size, 0);
  const quantizedBytes = quantizedWeightsReport(model.base).quantized_bytes;
  const stepPeakExtraBytes = Math.max(0, profile.peakBytes - liveBefore);
  return {
    seconds: times[Math.floor(times.length / 2)]!,
    frozenFloatBytes,
    quantizedBytes,
    trainableBytes,
    stepPeakExtraBytes,
    peakBytes: frozenFloatBytes + quantizedBytes + trainableBytes + stepPeakExtraBytes,
  };
}
