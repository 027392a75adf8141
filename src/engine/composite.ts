/**
 * The composite (plain tfjs ops) versions of GELU, LayerNorm, T5's RMS norm and cross-entropy: what every backend
 * runs when the native kernels are not available, and the reference the fused versions are tested
 * against (src/engine/native/fused.ts). Use the names exported by ops.ts, which pick the fast path.
 */
import { tf, type Tensor } from './tf.ts';

/** gelu_new / gelu_pytorch_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluNewComposite(x: Tensor): Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  });
}

/** torch.nn.LayerNorm over the last axis (population variance, as torch). */
export function layerNormComposite(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const norm = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(norm, weight), bias);
  });
}

/** T5LayerNorm: RMS norm over the last axis, without mean subtraction or bias. */
export function rmsNormComposite(x: Tensor, weight: Tensor, eps: number): Tensor {
  return tf.tidy(() => {
    const variance = tf.mean(tf.square(x), -1, true);
    return tf.mul(weight, tf.mul(x, tf.rsqrt(tf.add(variance, eps))));
  });
}

/**
 * Mean cross-entropy over positions whose label is not `ignoreIndex` (-100), as torch's
 * CrossEntropyLoss. Hand-written gradient: softmax − one-hot, without materialising the log-softmax
 * gather's dense scatter. logits [N, V], labels [N] (int32). Returns a scalar (NaN-free: 0 when every
 * label is ignored, as a sum over nothing divided by max(count, 1)).
 */
export function crossEntropyComposite(logits: Tensor, labels: Tensor, ignoreIndex = -100): tf.Scalar {
  const [, V] = logits.shape as [number, number];
  const labelArr = labels.dataSync();
  const valid = new Float32Array(labelArr.length);
  const safe = new Int32Array(labelArr.length);
  let count = 0;
  for (let i = 0; i < labelArr.length; i++) {
    const l = labelArr[i]!;
    if (l === ignoreIndex) continue;
    if (l < 0 || l >= V) throw new Error(`label ${l} at position ${i} is outside the vocabulary [0, ${V})`);
    valid[i] = 1;
    safe[i] = l;
    count++;
  }
  const denom = Math.max(count, 1);
  const f = tf.customGrad(((x: Tensor, save: tf.GradSaveFunc) => {
    const out = tf.tidy(() => {
      const lse = tf.logSumExp(x, -1); // [N]
      const picked = tf.sum(tf.mul(x, tf.oneHot(tf.tensor1d(safe, 'int32'), V)), -1);
      return tf.div(tf.sum(tf.mul(tf.sub(lse, picked), tf.tensor1d(valid))), denom) as tf.Scalar;
    });
    save([x]);
    return {
      value: out,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tf.tidy(() => {
          const p = tf.softmax(saved[0]!);
          const g = tf.sub(p, tf.oneHot(tf.tensor1d(safe, 'int32'), V));
          return tf.mul(tf.mul(g, tf.tensor2d(valid, [valid.length, 1])), tf.div(dy, denom));
        }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Scalar;
}
