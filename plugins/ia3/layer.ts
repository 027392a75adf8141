import { tf, type Tensor } from '../../src/engine/tf.ts';
import type { LinearLike } from '../../src/models/linear.ts';
import { AdapterLayer } from '../../src/peft/adapterLayer.ts';
import { UserError } from '../../src/util/errors.ts';

/** The float weights of nn.Linear / Conv1D, which merging rewrites in place. */
interface DenseWeights {
  weight: tf.Variable;
  bias?: tf.Variable;
}

function denseWeights(layer: LinearLike): DenseWeights {
  const w = (layer as unknown as Partial<DenseWeights>).weight;
  if (!(w instanceof tf.Variable))
    throw new UserError(`IA³: cannot merge into ${layer.constructor.name} (no float weight, e.g. a 4-bit layer); peft refuses this too`);
  return layer as unknown as DenseWeights;
}

/**
 * An (IA)³-wrapped projection (peft's ia3.Linear). Attention-type targets rescale their output,
 * y = base(x) ⊙ l with l [out, 1]; feed-forward targets rescale their input, y = base(x ⊙ l) with
 * l [1, in]. For GPT-2's Conv1D (weight stored [in, out], peft's fan_in_fan_out) the merged weight
 * is W ⊙ lᵀ, i.e. the same rows/columns seen from the transposed layout.
 */
export class Ia3Linear extends AdapterLayer {
  readonly ia3_l: tf.Variable;

  constructor(
    base_layer: LinearLike,
    readonly isFeedforward: boolean,
    init: Tensor,
  ) {
    super(base_layer);
    this.ia3_l = this.registerParameter('ia3_l', init);
  }

  forward(x: Tensor): Tensor {
    if (this.merged) return this.base_layer.forward(x);
    return tf.tidy(() => {
      const l = this.ia3_l.reshape([-1]);
      if (this.isFeedforward) return this.base_layer.forward(tf.mul(x, l));
      return tf.mul(this.base_layer.forward(x), l);
    });
  }

  /** The scaling vector shaped to broadcast over the stored weight ([out,in] or Conv1D's [in,out]). */
  private weightScale(): Tensor {
    const l = this.ia3_l; // [out,1] or [1,in] in nn.Linear terms
    return this.fanInFanOut ? l.transpose() : l;
  }

  weightOutIn(): Tensor {
    return tf.tidy(() => {
      const w = this.base_layer.weightOutIn();
      return this.merged ? w : tf.mul(w, this.ia3_l);
    });
  }

  merge(): void {
    if (this.merged) return;
    const { weight, bias } = denseWeights(this.base_layer);
    tf.tidy(() => {
      weight.assign(tf.mul(weight, this.weightScale()));
      if (!this.isFeedforward && bias) bias.assign(tf.mul(bias, this.ia3_l.reshape(bias.shape)));
    });
    this.merged = true;
  }

  /** As peft: divides by l + 1e-8, so the result is only as exact as that division (peft warns). */
  unmerge(): void {
    if (!this.merged) return;
    const { weight, bias } = denseWeights(this.base_layer);
    tf.tidy(() => {
      weight.assign(tf.div(weight, tf.add(this.weightScale(), 1e-8)));
      if (!this.isFeedforward && bias) bias.assign(tf.div(bias, tf.add(this.ia3_l.reshape(bias.shape), 1e-8)));
    });
    this.merged = false;
  }

  disposeAdapter(): void {
    this.ia3_l.dispose();
  }
}
