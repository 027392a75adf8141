import { tf, type Tensor } from '../tf.ts';

export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for the bias corrections. */
  step: number;
}

/**
 * torch.optim.AdamW's update for one parameter: decoupled weight decay, then Adam with bias correction.
 * Assigns the parameter and returns the new moments (the caller disposes the old ones).
 */
export function adamwUpdate(p: tf.Variable, g: Tensor, m: Tensor, v: Tensor, o: AdamWOptions): { m: Tensor; v: Tensor } {
  return tf.tidy(() => {
    const m1 = tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1));
    const v1 = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
    const bc1 = 1 - o.beta1 ** o.step;
    const bc2 = 1 - o.beta2 ** o.step;
    const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(bc2)), o.eps);
    const decayed = tf.mul(p, 1 - o.lr * o.weightDecay);
    p.assign(tf.sub(decayed, tf.mul(tf.div(m1, denom), o.lr / bc1)));
    return { m: tf.keep(m1), v: tf.keep(v1) };
  });
}
