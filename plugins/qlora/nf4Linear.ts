import { tf, type Tensor } from '../../src/engine/tf.ts';
import { Module } from '../../src/models/module.ts';
import type { LinearLike } from '../../src/models/linear.ts';
import { dequantizeNf4, nf4HeldBytes, nf4Numel, quantizeNf4, type Nf4Tensor } from './nf4.ts';

export interface Nf4Options {
  blocksize: number;
  doubleQuant: boolean;
}

/**
 * A frozen linear layer whose weight is held only as NF4 (bitsandbytes' Linear4bit): the packed 4-bit
 * codes and the (optionally 8-bit) block statistics live in plain typed arrays, and the float32 weight
 * is rebuilt block by block for each matmul and dropped right after it. The backward pass rebuilds it
 * again instead of keeping it for the gradient (bitsandbytes' MatMul4Bit does the same), so a training
 * step never holds more than one layer's float weight at a time. The bias stays float32.
 *
 * The weight is quantized in nn.Linear layout [out, in] (transformers transposes GPT-2's Conv1D before
 * quantizing too), so blocks are the same as in Python.
 */
export class Nf4Linear extends Module implements LinearLike {
  readonly bias?: tf.Variable;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    public weight4bit: Nf4Tensor,
    bias: Tensor | undefined,
    /** Layout of the layer this replaced (Conv1D: true), kept so a saved LoRA config says what peft would. */
    readonly fanInFanOut: boolean,
  ) {
    super();
    if (bias) this.bias = this.registerParameter('bias', bias, false);
  }

  /** Quantizes a float layer; its float weight and bias are released. */
  static fromLinear(layer: LinearLike, opts: Nf4Options, name: string): Nf4Linear {
    const w = layer.weightOutIn();
    const values = w.dataSync() as Float32Array;
    w.dispose();
    const q = quantizeNf4(values, [layer.outFeatures, layer.inFeatures], { blocksize: opts.blocksize, doubleQuant: opts.doubleQuant, name });
    const oldBias = (layer as unknown as { bias?: tf.Variable }).bias;
    const out = new Nf4Linear(layer.inFeatures, layer.outFeatures, q, oldBias ? oldBias.clone() : undefined, layer.fanInFanOut);
    layer.dispose();
    return out;
  }

  /** Float32 weight values [out, in] (row-major), dequantized blockwise. */
  dequantizedValues(): Float32Array {
    return dequantizeNf4(this.weight4bit);
  }

  private dequantized(): Tensor {
    return tf.tensor2d(this.dequantizedValues(), [this.outFeatures, this.inFeatures]);
  }

  /** Replaces the held weight by the quantization of `values` ([out, in]), same blocksize and statistics. */
  requantize(values: Float32Array, name = 'merged weight'): void {
    this.weight4bit = quantizeNf4(values, [this.outFeatures, this.inFeatures], {
      blocksize: this.weight4bit.blocksize,
      doubleQuant: this.weight4bit.nested !== undefined,
      name,
    });
  }

  /** Bytes the quantized weight occupies (codes + statistics). */
  heldBytes(): number {
    return nf4HeldBytes(this.weight4bit);
  }

  /** peft counts a Params4bit as numel(packed uint8) × 2. */
  countedParameters(): number {
    return this.weight4bit.packed.length * 2;
  }

  quantizedParameters(): number {
    return nf4Numel(this.weight4bit);
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const x2 = x.reshape([-1, this.inFeatures]);
      const matmul = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
        const xi = args[0] as Tensor;
        const w = this.dequantized();
        const value = tf.matMul(xi as tf.Tensor2D, w as tf.Tensor2D, false, true);
        w.dispose();
        return {
          value,
          gradFunc: (dy: Tensor) => {
            const w2 = this.dequantized();
            const dx = tf.matMul(dy as tf.Tensor2D, w2 as tf.Tensor2D);
            w2.dispose();
            return dx;
          },
        };
      });
      let y = matmul(x2);
      if (this.bias) y = tf.add(y, this.bias);
      return y.reshape([...lead, this.outFeatures]);
    });
  }

  weightOutIn(): Tensor {
    return this.dequantized();
  }
}
