import { tf, type Tensor } from '../../src/engine/tf.ts';
import { dropout } from '../../src/engine/ops.ts';
import { nextDropoutSeed } from '../../src/engine/random.ts';
import type { LinearLike } from '../../src/models/linear.ts';
import { DeltaAdapterLayer } from '../../src/peft/adapterLayer.ts';

/**
 * An AdaLoRA-wrapped projection (peft's adalora.SVDLinear), the update in SVD form:
 *   y = base(x) + (dropout(x) · (A ⊙ E)ᵀ · Bᵀ) · scaling / (ranknum + 1e-5)
 * with lora_A [r, in] (right singular vectors), lora_E [r, 1] (singular values), lora_B [out, r] (left
 * singular vectors), scaling = lora_alpha (not alpha/r) and ranknum the layer's initial rank, kept as a
 * frozen parameter as peft does (so it counts in all_params). Pruning a triplet zeroes its E entry.
 */
export class SvdLinear extends DeltaAdapterLayer {
  readonly lora_A: tf.Variable;
  readonly lora_E: tf.Variable;
  readonly lora_B: tf.Variable;
  readonly ranknum: tf.Variable;

  constructor(
    base_layer: LinearLike,
    readonly r: number,
    ranknum: number,
    readonly scaling: number,
    readonly dropoutRate: number,
    init: { A: Tensor; E: Tensor; B: Tensor },
  ) {
    super(base_layer);
    // Registration order is peft's named_parameters order (A, B, E): the orthogonality penalty sums in it.
    this.lora_A = this.registerParameter('lora_A', init.A);
    this.lora_B = this.registerParameter('lora_B', init.B);
    this.lora_E = this.registerParameter('lora_E', init.E);
    this.ranknum = this.registerParameter('ranknum', tf.tensor1d([ranknum]), false);
  }

  forward(x: Tensor): Tensor {
    const y = this.base_layer.forward(x);
    if (this.merged || this.r === 0) return y;
    return tf.tidy(() => {
      const h = dropout(x, this.dropoutRate, this.training, nextDropoutSeed());
      const lead = h.shape.slice(0, -1);
      const h2 = h.reshape([-1, this.inFeatures]) as tf.Tensor2D;
      const ae = tf.mul(this.lora_A, this.lora_E) as tf.Tensor2D;
      const low = tf.matMul(tf.matMul(h2, ae, false, true), this.lora_B as tf.Tensor2D, false, true);
      const delta = tf.div(tf.mul(low, this.scaling), tf.add(this.ranknum, 1e-5));
      return tf.add(y, delta.reshape([...lead, this.outFeatures]));
    });
  }

  /** ΔW in nn.Linear layout [out, in]: B (A ⊙ E) · scaling / (ranknum + 1e-5). */
  deltaWeight(): Tensor {
    return tf.tidy(() => {
      if (this.r === 0) return tf.zeros([this.outFeatures, this.inFeatures]);
      const ba = tf.matMul(this.lora_B as tf.Tensor2D, tf.mul(this.lora_A, this.lora_E) as tf.Tensor2D);
      return tf.div(tf.mul(ba, this.scaling), tf.add(this.ranknum, 1e-5));
    });
  }

  /** ‖A Aᵀ − I‖_F and ‖Bᵀ B − I‖_F (0 for a rank-0 layer, which peft still counts). */
  orthogonalityNorms(): [Tensor, Tensor] {
    if (this.r === 0) return [tf.scalar(0), tf.scalar(0)];
    const eye = tf.eye(this.r);
    const fro = (m: Tensor) => tf.sqrt(tf.sum(tf.square(tf.sub(m, eye))));
    const a = this.lora_A as tf.Tensor2D;
    const b = this.lora_B as tf.Tensor2D;
    return [fro(tf.matMul(a, a, false, true)), fro(tf.matMul(b, b, true, false))];
  }

  /** Frees the adapter's own tensors (the base layer belongs to the model). */
  disposeAdapter(): void {
    for (const v of [this.lora_A, this.lora_E, this.lora_B, this.ranknum]) v.dispose();
  }
}
