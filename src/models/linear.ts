import { tf, type Tensor } from '../engine/tf.ts';
import { Module } from './module.ts';
import { layerNorm } from '../engine/ops.ts';
import { projectNative } from '../engine/native/projection.ts';

/** What every projection layer offers, so that PEFT wrappers treat nn.Linear and GPT-2's Conv1D alike. */
export interface LinearLike extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** True when the stored weight is [in, out] (GPT-2 Conv1D), as peft's fan_in_fan_out. */
  readonly fanInFanOut: boolean;
  forward(x: Tensor): Tensor;
  /** The weight as [out, in] (nn.Linear layout), for merging adapters. */
  weightOutIn(): Tensor;
}

export function isLinearLike(m: Module): m is LinearLike {
  return m instanceof Linear || m instanceof Conv1D || (m as unknown as Partial<LinearLike>).inFeatures !== undefined;
}

/** y = x·Wᵀ + b over the last dimension of x of any rank. */
function project(x: Tensor, w: Tensor, transposeW: boolean, bias: Tensor | undefined, out: number): Tensor {
  const fast = projectNative(x, w, transposeW, bias, out);
  if (fast) return fast;
  return tf.tidy(() => {
    const lead = x.shape.slice(0, -1);
    const x2 = x.reshape([-1, x.shape[x.shape.length - 1]!]) as tf.Tensor2D;
    let y = tf.matMul(x2, w as tf.Tensor2D, false, transposeW);
    if (bias) y = tf.add(y, bias);
    return y.reshape([...lead, out]);
  });
}

/** torch.nn.Linear: weight [out, in]. */
export class Linear extends Module implements LinearLike {
  readonly fanInFanOut = false;
  readonly weight: tf.Variable;
  readonly bias?: tf.Variable;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean; init?: () => Tensor } = {},
  ) {
    super();
    this.weight = this.registerParameter('weight', opts.init?.() ?? tf.zeros([outFeatures, inFeatures]));
    if (opts.bias ?? true) this.bias = this.registerParameter('bias', tf.zeros([outFeatures]));
  }

  forward(x: Tensor): Tensor {
    return project(x, this.weight, true, this.bias, this.outFeatures);
  }

  weightOutIn(): Tensor {
    return this.weight.clone();
  }
}

/** GPT-2's Conv1D (transformers.pytorch_utils.Conv1D): weight stored [in, out], y = x·W + b. */
export class Conv1D extends Module implements LinearLike {
  readonly fanInFanOut = true;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly outFeatures: number,
    readonly inFeatures: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', tf.zeros([inFeatures, outFeatures]));
    this.bias = this.registerParameter('bias', tf.zeros([outFeatures]));
  }

  forward(x: Tensor): Tensor {
    return project(x, this.weight, false, this.bias, this.outFeatures);
  }

  weightOutIn(): Tensor {
    return this.weight.transpose();
  }
}

/**
 * Replaces some rows of an embedding table as it is read (peft's trainable tokens train only those
 * rows); the table it returns is what both the input lookup and a tied output head use.
 */
export interface EmbeddingRowOverride {
  /** The table [V, C] with the overridden rows in place of `weight`'s. */
  table(weight: Tensor): Tensor;
}

/** torch.nn.Embedding. */
export class Embedding extends Module {
  readonly weight: tf.Variable;
  /** Set by a PEFT method that trains some rows; the weight itself stays frozen. */
  rowOverride: EmbeddingRowOverride | undefined;
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', tf.zeros([numEmbeddings, embeddingDim]));
  }

  /** The table as the model reads it: `weight`, or `weight` with overridden rows. */
  table(): Tensor {
    return this.rowOverride ? this.rowOverride.table(this.weight) : this.weight;
  }

  forward(ids: Tensor): Tensor {
    return tf.tidy(() => {
      const flat = tf.gather(this.table(), ids.reshape([-1]).toInt());
      return flat.reshape([...ids.shape, this.embeddingDim]);
    });
  }
}

/** torch.nn.LayerNorm over the last dimension (population variance, as torch). */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly dim: number,
    readonly eps: number,
  ) {
    super();
    this.weight = this.registerParameter('weight', tf.ones([dim]));
    this.bias = this.registerParameter('bias', tf.zeros([dim]));
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
