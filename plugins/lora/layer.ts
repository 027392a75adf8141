import { tf, type Tensor } from '../../src/engine/tf.ts';
import { dropout } from '../../src/engine/ops.ts';
import { nextDropoutSeed, type Rng } from '../../src/engine/random.ts';
import { Linear, type LinearLike } from '../../src/models/linear.ts';
import { DeltaAdapterLayer } from '../../src/peft/adapterLayer.ts';

/** Kaiming-uniform with a = √5 (nn.Linear's default): U(−1/√fan_in, 1/√fan_in). */
export function kaimingUniform(rng: Rng, rows: number, fanIn: number): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const v = new Float32Array(rows * fanIn);
  for (let i = 0; i < v.length; i++) v[i] = (rng.next() * 2 - 1) * bound;
  return tf.tensor2d(v, [rows, fanIn]);
}

export function normal(rng: Rng, shape: [number, number], std: number): Tensor {
  const v = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal() * std;
  return tf.tensor2d(v, shape);
}

/**
 * A LoRA-wrapped projection (peft's lora.Linear): y = base(x) + B(A(dropout(x))) · scaling.
 * lora_A [r, in] and lora_B [out, r] keep nn.Linear's layout whatever the base layout is; for
 * GPT-2's Conv1D (fan_in_fan_out) the merged weight is W + (B·A)ᵀ · scaling.
 */
export class LoraLinear extends DeltaAdapterLayer {
  readonly lora_A: Linear;
  readonly lora_B: Linear;

  constructor(
    base_layer: LinearLike,
    readonly r: number,
    readonly scaling: number,
    readonly dropoutRate: number,
    init: { A: Tensor; B: Tensor },
  ) {
    super(base_layer);
    this.lora_A = this.registerModule('lora_A', new Linear(base_layer.inFeatures, r, { bias: false, init: () => init.A }));
    this.lora_B = this.registerModule('lora_B', new Linear(r, base_layer.outFeatures, { bias: false, init: () => init.B }));
  }

  forward(x: Tensor): Tensor {
    const y = this.base_layer.forward(x);
    if (this.merged) return y;
    return tf.tidy(() => {
      const h = dropout(x, this.dropoutRate, this.training, nextDropoutSeed());
      return tf.add(y, tf.mul(this.lora_B.forward(this.lora_A.forward(h)), this.scaling));
    });
  }

  /** ΔW in nn.Linear layout [out, in]. */
  deltaWeight(): Tensor {
    return tf.tidy(() => tf.mul(tf.matMul(this.lora_B.weight, this.lora_A.weight), this.scaling));
  }

  disposeAdapter(): void {
    this.lora_A.dispose();
    this.lora_B.dispose();
  }
}
