import { tf, type Tensor } from '../../engine/tf.ts';
import type { Rng } from '../../engine/random.ts';
import { Module } from '../../models/module.ts';
import { Embedding, Linear } from '../../models/linear.ts';

/**
 * Building blocks of the prompt encoders (peft's PromptEmbedding, PromptEncoder, PrefixEncoder), with
 * torch's default initialisations so that fresh adapters start where peft's do in distribution.
 */

/** nn.Embedding(rows, dim) initialised N(0, 1), torch's default. */
export function normalEmbedding(rng: Rng, rows: number, dim: number): Embedding {
  const e = new Embedding(rows, dim);
  const v = new Float32Array(rows * dim);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  tf.tidy(() => e.weight.assign(tf.tensor2d(v, [rows, dim])));
  return e;
}

/** U(-bound, bound) as a float32 tensor. */
export function uniform(rng: Rng, shape: number[], bound: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (rng.next() * 2 - 1) * bound;
  return tf.tensor(v, shape, 'float32');
}

/** nn.Linear(in, out) with torch's default init: weight and bias U(-1/√in, 1/√in). */
export function torchLinear(rng: Rng, inFeatures: number, outFeatures: number): Linear {
  const bound = 1 / Math.sqrt(inFeatures);
  const lin = new Linear(inFeatures, outFeatures, { init: () => uniform(rng, [outFeatures, inFeatures], bound) });
  const b = uniform(rng, [outFeatures], bound);
  lin.bias!.assign(b);
  b.dispose();
  return lin;
}

/** A parameter-free activation inside a Sequential (nn.ReLU, nn.Tanh). */
export class Activation extends Module {
  constructor(readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

type Layer = Module & { forward(x: Tensor): Tensor };

/**
 * torch.nn.Sequential: children named by position, activations included, so parameters keep peft's
 * names (`mlp_head.0.weight`, `mlp_head.2.weight`, `transform.2.bias`).
 */
export class Sequential extends Module {
  private readonly layers: Layer[];
  constructor(layers: Layer[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.registerModule(String(i), l));
  }
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, l) => l.forward(h), x);
  }
}

export const relu = (): Activation => new Activation((x) => tf.relu(x));
export const tanh = (): Activation => new Activation((x) => tf.tanh(x));
