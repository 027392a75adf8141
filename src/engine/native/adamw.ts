import { tf, type Tensor } from '../tf.ts';
import { accessFor } from './access.ts';
import { loadNative } from './addon.ts';

export interface AdamWStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 0 for parameters that are not decayed (biases, norms). */
  weightDecay: number;
  /** 1-based step count, for the bias corrections. */
  step: number;
}

/**
 * One torch.optim.AdamW update of one parameter, in place: p, m and v are assigned their new values.
 * With the native kernels this is one pass over the four arrays instead of a dozen tfjs ops (it
 * matters for full fine-tuning, where every weight is updated each step); otherwise the same
 * arithmetic runs as tfjs ops, in the same order as src/train/adamw.ts.
 */
export function adamwStep(p: tf.Variable, g: Tensor, m: tf.Variable, v: tf.Variable, o: AdamWStep): void {
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  const addon = loadNative();
  const acc = addon ? accessFor(tf.getBackend(), tf.backend()) : undefined;
  if (addon && acc && p.dtype === 'float32' && g.dtype === 'float32') {
    const outs = [acc.alloc(p.shape), acc.alloc(p.shape), acc.alloc(p.shape)];
    const views = [p, g, m, v].map((t) => acc.f32(t));
    if (views.every((x) => x)) {
      const [po, mo, vo] = outs.map((t) => acc.f32(t)!) as [Float32Array, Float32Array, Float32Array];
      const [pv, gv, mv, vv] = views as Float32Array[];
      addon.adamw(pv!, gv!, mv!, vv!, po, mo, vo, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, bc1, bc2);
      const [pt, mt, vt] = outs.map((t) => tf.engine().makeTensorFromTensorInfo(t)) as [Tensor, Tensor, Tensor];
      p.assign(pt);
      m.assign(mt);
      v.assign(vt);
      tf.dispose([pt, mt, vt]);
      return;
    }
    for (const t of outs) acc.dispose(t);
  }
  tf.tidy(() => {
    const decayed = o.weightDecay > 0 ? tf.mul(p, 1 - o.lr * o.weightDecay) : p;
    const m2 = tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1));
    const v2 = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
    const denom = tf.add(tf.div(tf.sqrt(v2), Math.sqrt(bc2)), o.eps);
    p.assign(tf.sub(decayed, tf.mul(tf.div(m2, denom), o.lr / bc1)));
    m.assign(m2);
    v.assign(v2);
  });
}
