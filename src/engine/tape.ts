import { tf } from './tf.ts';

/**
 * Whether tfjs is recording operations for a gradient (inside tf.grad / variableGrads / customGrad's
 * forward). Inference-only fast paths (fused attention, customGrad-free fused ops) check it: outside a
 * tape nothing needs the saved activations or a gradient function.
 */
export function recordingGradients(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}
