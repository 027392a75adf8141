import { tf, type Tensor } from './tf.ts';
import { causalLMLossFused, crossEntropyFused, dropoutFused, geluNewFused, layerNormFused, rmsNormFused } from './native/fused.ts';
import { nextDropoutSeed } from './random.ts';

/** Largest-magnitude negative float32, torch.finfo(torch.float32).min: HF's additive mask value. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** Exact (erf) GELU, torch.nn.functional.gelu's default. */
export function geluErf(x: Tensor): Tensor {
  return tf.tidy(() => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}

export function activation(name: string): (x: Tensor) => Tensor {
  switch (name) {
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return geluNew;
    case 'gelu':
      return geluErf;
    case 'relu':
      return (x) => tf.relu(x);
    case 'silu':
    case 'swish':
      return (x) => tf.mul(x, tf.sigmoid(x));
    default:
      throw new Error(`unsupported activation '${name}'`);
  }
}

/** Dropout that is the identity unless training with rate > 0; seeded for reproducible runs. */
export function dropout(x: Tensor, rate: number, training: boolean, seed?: number): Tensor {
  if (!training || rate <= 0) return x;
  return dropoutFused(x, rate, seed ?? nextDropoutSeed());
}

/**
 * GELU (tanh form), LayerNorm, T5's RMS norm and the cross-entropy run as one fused native kernel each when the
 * addon is loaded (less memory, far fewer ops), and as composite tfjs ops otherwise.
 */
export const geluNew = geluNewFused;
export const layerNorm = layerNormFused;
export const rmsNorm = rmsNormFused;
export const crossEntropy = crossEntropyFused;
/** HF's causal-LM loss: logits[:, :-1] predict labels[:, 1:], mean over labels ≠ -100. */
export const causalLMLoss = causalLMLossFused;
