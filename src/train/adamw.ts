import { tf, type Tensor } from '../engine/tf.ts';

export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /**
   * Scale each tensor's step by max(1e-3, RMS(tensor)), as Adafactor's `scale_parameter` and
   * nanoT5's AdamWScale do: the update is then relative to the weights' own size. T5 needs it:
   * its weights span two orders of magnitude (embeddings N(0, 1), attention N(0, 1/128)), so one
   * absolute rate is either too small for the embeddings or moves q/k by a quarter of their size each
   * step; plain AdamW leaves a T5 trained from scratch stuck at a unigram loss with exploding
   * gradient norms (nanoT5 reports the same).
   */
  scaleByParamRms?: boolean;
}

/** Adafactor's eps2: the smallest RMS a tensor's step is scaled by (zero-initialised tensors still move). */
export const MIN_PARAM_RMS = 1e-3;

/**
 * torch.optim.AdamW (decoupled weight decay, bias-corrected moments), over named variables so its
 * state can be checkpointed by name and restored exactly. Parameters in `noDecay` (biases, norm
 * weights — HF's get_decay_parameter_names) are not decayed.
 */
export class AdamW {
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(
    readonly params: [string, tf.Variable][],
    readonly opts: AdamWOptions,
    readonly noDecay: ReadonlySet<string>,
  ) {
    const zeroVar = (p: tf.Variable) => {
      const z = tf.zerosLike(p);
      const v = tf.variable(z, false);
      z.dispose();
      return v;
    };
    for (const [n, p] of params) {
      this.m.set(n, zeroVar(p));
      this.v.set(n, zeroVar(p));
    }
  }

  /** One update with learning rate `lr` (the scheduler's value for this step). */
  apply(grads: ReadonlyMap<string, Tensor>, baseLr: number): void {
    this.step++;
    const { beta1: b1, beta2: b2, eps, weightDecay } = this.opts;
    const bc1 = 1 - b1 ** this.step;
    const bc2 = 1 - b2 ** this.step;
    tf.tidy(() => {
      for (const [n, p] of this.params) {
        const g = grads.get(n);
        if (!g) continue;
        const m = this.m.get(n)!;
        const v = this.v.get(n)!;
        const lr = this.opts.scaleByParamRms ? baseLr * Math.max(MIN_PARAM_RMS, Math.sqrt(tf.mean(tf.square(p)).dataSync()[0]!)) : baseLr;
        const decayed = weightDecay > 0 && !this.noDecay.has(n) ? tf.mul(p, 1 - lr * weightDecay) : p;
        const m2 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v2 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        const denom = tf.add(tf.div(tf.sqrt(v2), Math.sqrt(bc2)), eps);
        p.assign(tf.sub(decayed, tf.mul(tf.div(m2, denom), lr / bc1)));
        m.assign(m2);
        v.assign(v2);
      }
    });
  }

  /** Moments by name for a checkpoint (`exp_avg.<name>`, `exp_avg_sq.<name>`). */
  stateTensors(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [n] of this.params) {
      out.set(`exp_avg.${n}`, this.m.get(n)!);
      out.set(`exp_avg_sq.${n}`, this.v.get(n)!);
    }
    return out;
  }

  loadState(step: number, tensors: ReadonlyMap<string, Tensor>): void {
    this.step = step;
    for (const [n] of this.params) {
      const m = tensors.get(`exp_avg.${n}`);
      const v = tensors.get(`exp_avg_sq.${n}`);
      if (!m || !v) throw new Error(`optimizer state lacks moments for '${n}'`);
      this.m.get(n)!.assign(m);
      this.v.get(n)!.assign(v);
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
